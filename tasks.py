"""Project tasks: `python3 tasks.py quickstart|test|bench|engine`.

What each needs:
- `quickstart`, `test`, `bench`: Python 3.11. Each creates `.venv` on first use and installs
  the package with its `dev` extra into it, again whenever `pyproject.toml` changes. `test`
  runs its real-engine tier with the Pulumi CLI that `engine` gives (so, on first use, Go too),
  or `pulumi` on PATH, or skips that tier and says so; where `CI` is set it fails instead.
  `quickstart` runs through that CLI when there is one, else through the embedded runner.
- `engine`: Go and the Go module proxy. It builds the pinned Pulumi CLI from its Go modules
  once into a per-user cache keyed by its version, reuses it after that, and prints the
  binary's absolute path as the last line of its stdout.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed"

PULUMI_VERSION = "3.276.0"
"""The Pulumi CLI the real-engine tests run. It must support the Python SDK pinned in
`pyproject.toml` (a CLI serves every older 3.x SDK)."""
PULUMI_MODULE = "github.com/pulumi/pulumi/pkg/v3"
SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"
DYNAMIC_PLUGIN = "pulumi-resource-pulumi-python"
"""The launcher through which the engine runs dynamic providers (`python3 -m pulumi.dynamic`)."""


def ensure_environment() -> None:
    """Create the virtual environment and install the project, when needed."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"creating {VENV.name}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing pulumi-snapshots with its dev extra", flush=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]")
    STAMP.write_text(wanted)


def run(*args: object) -> None:
    """Run a command in the project root; stop on failure."""
    code = subprocess.call([str(a) for a in args], cwd=ROOT)
    if code != 0:
        sys.exit(code)


def task_test(extra: list[str]) -> None:
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    provide_cli()
    run(PYTHON, "-m", "pytest", *extra)


def provide_cli() -> None:
    """Give the real-engine tier its CLI (built on first use), and the native plugin's tests
    their SDK generator; in CI neither may be skipped."""
    required = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if required:
        os.environ["PULUMI_SNAPSHOTS_REQUIRE_CLI"] = "1"
    if not os.environ.get("PULUMI_SNAPSHOTS_CLI"):
        try:
            os.environ["PULUMI_SNAPSHOTS_CLI"] = str(build_engine())
        except SystemExit as exc:
            if required:
                raise
            on_path = shutil.which("pulumi")
            if on_path:
                print(f"{exc}; the real-engine tier uses {on_path}", file=sys.stderr)
            else:
                print(f"{exc}; the real-engine tier is skipped", file=sys.stderr)
    tools: list[tuple[str, Callable[[], Path], str]] = [
        (SDKGEN_ENV, build_sdkgen, "SDK generation"),
        (YAML_ENV, build_language_yaml, "YAML"),
        (NODE_ENV, install_node_modules, "TypeScript"),
    ]
    for env, provide, tests in tools:
        if os.environ.get(env):
            continue
        try:
            os.environ[env] = str(provide())
        except SystemExit as exc:
            if required:
                raise
            print(f"{exc}; the {tests} tests are skipped", file=sys.stderr)


def cli_home() -> Path:
    """Where the CLI of the pinned version lives: per user, outside any clone."""
    base = os.environ.get("PULUMI_SNAPSHOTS_CLI_CACHE") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("PULUMI_SNAPSHOTS_CLI_CACHE"):
        root = root / "pulumi-snapshots" / "cli"
    return root / f"v{PULUMI_VERSION}"


def cli_path() -> Path | None:
    """The cached CLI binary, if a finished build is there."""
    binary = cli_home() / "bin" / "pulumi"
    return binary if (cli_home() / "bin" / ".complete").exists() and binary.exists() else None


def task_engine(extra: list[str]) -> None:
    if extra:
        sys.exit("usage: python3 tasks.py engine")
    print(build_engine())


def task_sdkgen(extra: list[str]) -> None:
    if extra:
        sys.exit("usage: python3 tasks.py sdkgen")
    print(build_sdkgen())


def build_engine() -> Path:
    """The pinned Pulumi CLI, built from its Go modules on first use and cached after that."""
    found = cli_path()
    if found is not None:
        return found
    go = shutil.which("go")
    if go is None:
        sys.exit(
            "tasks.py engine: Go is not on PATH. The Pulumi CLI is built from its Go modules "
            "(github.com/pulumi/pulumi/pkg/v3), so this needs Go and the Go module proxy."
        )
    home = cli_home()
    home.parent.mkdir(parents=True, exist_ok=True)
    with _locked(home.parent / f"v{PULUMI_VERSION}.lock"):
        found = cli_path()  # Another build may have finished while this one waited.
        if found is not None:
            return found
        started = time.monotonic()
        print(f"building the Pulumi CLI v{PULUMI_VERSION} from its Go modules", file=sys.stderr)
        with tempfile.TemporaryDirectory(dir=home.parent, prefix=".build-") as scratch:
            work = Path(scratch)
            src = _pkg_source(go, work)
            sdk = _module_dir(go, SDK_MODULE)
            out = work / "bin"
            out.mkdir()
            version_flag = f"-X {SDK_MODULE}/go/common/version.Version=v{PULUMI_VERSION}"
            _go(
                go,
                src,
                "build",
                "-ldflags",
                version_flag,
                "-o",
                str(out / "pulumi"),
                "./cmd/pulumi",
            )
            launcher = out / DYNAMIC_PLUGIN
            shutil.copyfile(sdk / "python" / "dist" / DYNAMIC_PLUGIN, launcher)
            # Module zips drop the exec bit, and the CLI only runs plugins that have it.
            launcher.chmod(0o755)
            (out / ".complete").write_text(PULUMI_VERSION)
            if home.exists():
                shutil.rmtree(home)
            home.mkdir()
            out.rename(home / "bin")
        print(f"built in {time.monotonic() - started:.0f} s", file=sys.stderr)
    found = cli_path()
    assert found is not None
    return found


def _pkg_source(go: str, work: Path) -> Path:
    """A writable copy of the CLI's `pkg` module in `work`, its SDK taken from the proxy."""
    src = work / "pkg"
    # The module cache is read-only, and its `pkg/go.mod` points the SDK at `../sdk` (a folder
    # a module zip lacks), which is why `go install` refuses it.
    shutil.copytree(_module_dir(go, PULUMI_MODULE), src)
    for path in [src, *src.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o200)
    _go(
        go,
        src,
        "mod",
        "edit",
        f"-dropreplace={SDK_MODULE}",
        f"-require={SDK_MODULE}@v{PULUMI_VERSION}",
    )
    _go(go, src, "get", f"{SDK_MODULE}@v{PULUMI_VERSION}")
    return src


SDKGEN_SOURCE = ROOT / "tools" / "sdkgen" / "main.go"
SDKGEN_ENV = "PULUMI_SNAPSHOTS_SDKGEN"
"""Where the native plugin's tests find the schema checker and SDK generator."""


def sdkgen_path() -> Path:
    """Where the SDK generator of this source and CLI version lives once built."""
    digest = hashlib.sha256(SDKGEN_SOURCE.read_bytes()).hexdigest()[:12]
    return cli_home() / f"sdkgen-{digest}" / "snapshots-sdkgen"


def build_sdkgen() -> Path:
    """`tools/sdkgen` built inside the CLI's `pkg` module, so that it uses the very code
    generators and schema checks of the pinned CLI; cached per source and version."""
    binary = sdkgen_path()
    if binary.exists():
        return binary
    go = shutil.which("go")
    if go is None:
        sys.exit("tasks.py sdkgen: Go is not on PATH")
    binary.parent.parent.mkdir(parents=True, exist_ok=True)
    with _locked(binary.parent.parent / "sdkgen.lock"):
        if binary.exists():
            return binary
        started = time.monotonic()
        print("building snapshots-sdkgen against the CLI's code generators", file=sys.stderr)
        with tempfile.TemporaryDirectory(dir=binary.parent.parent, prefix=".build-") as scratch:
            src = _pkg_source(go, Path(scratch))
            tool = src / "cmd" / "snapshots-sdkgen"
            tool.mkdir(parents=True)
            shutil.copyfile(SDKGEN_SOURCE, tool / "main.go")
            built = Path(scratch) / "snapshots-sdkgen"
            _go(go, src, "build", "-trimpath", "-o", str(built), "./cmd/snapshots-sdkgen")
            binary.parent.mkdir(exist_ok=True)
            built.rename(binary)
        print(f"built in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return binary


YAML_MODULE = "github.com/pulumi/pulumi-yaml"
YAML_VERSION = "1.25.0"
YAML_ENV = "PULUMI_SNAPSHOTS_LANGUAGE_YAML"
"""Where the YAML tests of the native plugin find `pulumi-language-yaml`."""


def build_language_yaml() -> Path:
    """`pulumi-language-yaml`, the YAML language host, built from its Go module (it has tags and
    no replace directive, so `go install` takes it); cached per version."""
    out = cli_home().parent.parent / f"language-yaml-v{YAML_VERSION}"
    binary = out / "pulumi-language-yaml"
    if binary.exists():
        return binary
    go = shutil.which("go")
    if go is None:
        sys.exit("tasks.py: Go is not on PATH; the YAML tests need pulumi-language-yaml")
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out.parent / "language-yaml.lock"):
        if binary.exists():
            return binary
        started = time.monotonic()
        print(f"building pulumi-language-yaml v{YAML_VERSION}", file=sys.stderr)
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".build-") as scratch:
            code = subprocess.call(
                [go, "install", f"{YAML_MODULE}/cmd/pulumi-language-yaml@v{YAML_VERSION}"],
                cwd=scratch,
                env={**os.environ, "GOBIN": scratch},
                stdout=sys.stderr,
            )
            if code != 0:
                sys.exit(f"tasks.py: building pulumi-language-yaml failed (exit {code})")
            out.mkdir(exist_ok=True)
            Path(scratch, "pulumi-language-yaml").rename(binary)
        print(f"built in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return binary


NODE_PROJECT = ROOT / "tests" / "cli" / "node"
NODE_ENV = "PULUMI_SNAPSHOTS_NODE_MODULES"
"""Where the TypeScript tests of the native plugin find npm's @pulumi/pulumi and TypeScript."""


def node_modules_path() -> Path:
    """Where the pinned npm packages of `tests/cli/node` live once installed."""
    digest = hashlib.sha256(
        (NODE_PROJECT / "package.json").read_bytes()
        + (NODE_PROJECT / "package-lock.json").read_bytes()
    ).hexdigest()[:12]
    return cli_home().parent.parent / "node" / digest / "node_modules"


def install_node_modules() -> Path:
    """`npm ci` of `tests/cli/node` into a per-user cache keyed by its lock file."""
    modules = node_modules_path()
    if (modules.parent / ".complete").exists():
        return modules
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("tasks.py: npm is not on PATH; the TypeScript tests need Node.js and npm")
    modules.parent.parent.mkdir(parents=True, exist_ok=True)
    with _locked(modules.parent.parent / "npm.lock"):
        if (modules.parent / ".complete").exists():
            return modules
        if modules.parent.exists():
            shutil.rmtree(modules.parent)
        modules.parent.mkdir()
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(NODE_PROJECT / name, modules.parent / name)
        code = subprocess.call(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=modules.parent,
            stdout=sys.stderr,
        )
        if code != 0:
            sys.exit(f"tasks.py: `npm ci` of {NODE_PROJECT.name} failed (exit {code})")
        (modules.parent / ".complete").write_text("")
    return modules


def _module_dir(go: str, module: str) -> Path:
    """Download one module of the pinned version into Go's module cache; its folder there."""
    try:
        out = subprocess.run(
            [go, "mod", "download", "-json", f"{module}@v{PULUMI_VERSION}"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        sys.exit(f"tasks.py engine: could not run Go: {exc}")
    info = json.loads(out.stdout or "{}")
    if out.returncode != 0 or "Dir" not in info:
        sys.exit(
            f"tasks.py engine: the Go module proxy did not serve {module}@v{PULUMI_VERSION}: "
            f"{info.get('Error') or out.stderr.strip()}"
        )
    return Path(info["Dir"])


def _go(go: str, cwd: Path, *args: str) -> None:
    code = subprocess.call([go, *args], cwd=cwd, stdout=sys.stderr)
    if code != 0:
        sys.exit(f"tasks.py engine: `go {' '.join(args)}` failed (exit {code})")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One build at a time per version, across processes (two clones, two CI jobs)."""
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def use_built_cli() -> None:
    """Point the quickstart and the benchmarks at the CLI that `engine` built, if it did; they
    never wait for a build."""
    built = cli_path()
    if built is not None and not os.environ.get("PULUMI_SNAPSHOTS_CLI"):
        os.environ["PULUMI_SNAPSHOTS_CLI"] = str(built)


def task_quickstart(extra: list[str]) -> None:
    use_built_cli()
    run(PYTHON, "-m", "pulumi_snapshots.testing.quickstart", *extra)


def task_bench(extra: list[str]) -> None:
    use_built_cli()  # `bench parallel` runs real stacks through it.
    run(PYTHON, "-m", "bench", *extra)


TASKS = {
    "test": task_test,
    "quickstart": task_quickstart,
    "bench": task_bench,
    "engine": task_engine,
    "sdkgen": task_sdkgen,
}
NEEDS_VENV = {"test", "quickstart", "bench"}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [arguments]")
    if sys.argv[1] in NEEDS_VENV:
        ensure_environment()
    TASKS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
