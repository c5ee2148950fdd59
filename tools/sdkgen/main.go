// Command snapshots-sdkgen checks the plugin's schema and generates SDKs from it with the code
// generators of the Pulumi CLI that the tests run (pkg/v3 at PULUMI_VERSION of tasks.py).
//
// `pulumi package gen-sdk` runs the same generators through each language plugin, and users
// run that. The language plugins' Go modules are not served by the Go module proxy, so the
// tests generate through the generators themselves.
//
//	snapshots-sdkgen check SCHEMA.json
//	snapshots-sdkgen gen SCHEMA.json nodejs|python|go OUT
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-snapshots"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "snapshots-sdkgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 2 || (args[0] == "gen" && len(args) != 4) || (args[0] != "gen" && args[0] != "check") {
		return fmt.Errorf("usage: snapshots-sdkgen check SCHEMA | gen SCHEMA LANGUAGE OUT")
	}
	pkg, err := bind(args[1])
	if err != nil {
		return err
	}
	if args[0] == "check" {
		fmt.Printf("%s %s: valid\n", pkg.Name, pkg.Version)
		return nil
	}
	var files map[string][]byte
	switch args[2] {
	case "nodejs":
		files, err = nodejsgen.GeneratePackage(tool, pkg, nil, nil, false, noPackages{})
	case "python":
		files, err = pygen.GeneratePackage(tool, pkg, nil, noPackages{})
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, nil)
	default:
		return fmt.Errorf("unknown language %q (nodejs, python or go)", args[2])
	}
	if err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(args[3], name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// bind validates the schema against the metaschema and binds it, as the CLI does before it
// generates an SDK.
func bind(path string) (*schema.Package, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		for _, d := range diags {
			fmt.Fprintf(os.Stderr, "%s: %s\n", d.Summary, d.Detail)
		}
		return nil, fmt.Errorf("%s: %d problems", path, len(diags))
	}
	for _, d := range diags {
		fmt.Fprintln(os.Stderr, "warning:", d.Error())
	}
	return pkg, nil
}

// noPackages is the loader of a schema that refers to no other package: the snapshots schema
// has no reference outside itself, so any load is a mistake in it.
type noPackages struct{}

func (noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; it must refer to none", pkg)
}

func (noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; it must refer to none", d.Name)
}

func (noPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %q; it must refer to none", pkg)
}

func (noPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %q; it must refer to none", d.Name)
}
