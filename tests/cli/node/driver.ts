// A TypeScript program on the generated Node.js SDK, run as an automation-API inline program
// (so no pulumi-language-nodejs is needed). One operation per run:
//
//   node driver.js REQUEST.json
//
// The request names the CLI, the stack's folders, its config and environment, the operation
// (preview, up, refresh or destroy) and what the program declares. The last line of stdout is
// the result as JSON.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import * as snapshots from "./sdk/bin";

interface Request {
    cli: string;
    root: string;
    home: string;
    backend: string;
    stack: string;
    project: string;
    config: Record<string, string>;
    env: Record<string, string>;
    operation: "preview" | "up" | "refresh" | "destroy";
    importId?: string;
    adoptedName?: string;
    createTimeout?: string;
}

async function main(): Promise<void> {
    const request: Request = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

    const program = async () => {
        const cfg = new pulumi.Config();
        const db = new snapshots.LightsailDatabaseSnapshot("orders", {
            relationalDatabaseName: cfg.require("lightsailDatabaseName"),
            tags: { team: "data" },
        }, request.createTimeout ? { customTimeouts: { create: request.createTimeout } } : {});
        const copy = new snapshots.NeptuneClusterSnapshotCopy("graph", {
            sourceDbClusterSnapshotIdentifier: cfg.require("neptuneSnapshotArn"),
        });
        const set = new snapshots.Ec2MultiVolumeSnapshot("app", {
            instanceId: cfg.require("instanceId"),
        });
        if (request.adoptedName) {
            new snapshots.LightsailDatabaseSnapshot("adopted", {
                relationalDatabaseName: cfg.require("lightsailDatabaseName"),
                relationalDatabaseSnapshotName: request.adoptedName,
            }, { import: request.importId });
        }
        return {
            db: db.relationalDatabaseSnapshotName,
            state: db.state,
            tagsAll: db.tagsAll,
            neptune: copy.status,
            volumes: set.snapshots.apply(s => s.map(v => v.volumeId)),
        };
    };

    const pulumiCommand = await PulumiCommand.get({
        root: request.cli,
        skipVersionCheck: true,
    });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: request.stack, projectName: request.project, program },
        {
            workDir: request.root,
            pulumiHome: request.home,
            envVars: request.env,
            pulumiCommand,
            projectSettings: {
                name: request.project,
                runtime: "nodejs",
                backend: { url: request.backend },
            },
        },
    );
    for (const [key, value] of Object.entries(request.config)) {
        await stack.setConfig(key, { value });
    }
    let result: unknown;
    let output = "";
    const onOutput = (line: string) => { output += line; };
    switch (request.operation) {
        case "preview": {
            const r = await stack.preview({ onOutput });
            result = { changes: r.changeSummary };
            break;
        }
        case "up": {
            const r = await stack.up({ onOutput });
            const outputs: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(r.outputs)) {
                outputs[k] = v.value;
            }
            result = { changes: r.summary.resourceChanges, outputs };
            break;
        }
        case "refresh": {
            const r = await stack.refresh({ onOutput });
            result = { changes: r.summary.resourceChanges };
            break;
        }
        case "destroy": {
            const r = await stack.destroy({ onOutput });
            result = { changes: r.summary.resourceChanges };
            break;
        }
    }
    console.log(JSON.stringify({ ok: true, result, output }));
}

main().catch((err: unknown) => {
    console.log(JSON.stringify({ ok: false, error: String(err) }));
});
