// ModelArts workspaces in TypeScript, through the native `modelarts` plugin and its generated SDK.
//
// Stack config (all optional):
//   teamName        name of the internal workspace (default "ts-team")
//   teamLead        IAM user granted the internal workspace besides bob (default "alice")
//   teamAccess      its authType (default "INTERNAL")
//   teamBrief       its description: set it with `pulumi config set --secret teamBrief ...`
//   gpuMinutes      its ExeML GPU training minutes (default 600)
//   otherRegion     region of the archive workspace, served by a second provider (default ap-southeast-1)
//   otherEndpoint   ModelArts endpoint of that region, when it is not the public one
//   imported        JSON list of names of workspaces brought in with `pulumi import`
// Credentials: modelarts:* config or the HW_* variables, which the plugin reads itself.
import * as pulumi from "@pulumi/pulumi";
import * as modelarts from "@modelarts-provider/modelarts";

const config = new pulumi.Config();
const teamName = config.get("teamName") ?? "ts-team";

// An INTERNAL workspace: only the granted users get in. Its description is a secret input, so the
// description output is secret too and the state keeps only its ciphertext.
const team = new modelarts.Workspace("team", {
    name: teamName,
    description: config.getSecret("teamBrief") ?? "Training and inference for the ML team",
    authType: config.get("teamAccess") ?? "INTERNAL",
    grants: [{ userName: config.get("teamLead") ?? "alice" }, { userName: "bob", userType: "IAM" }],
});

// A second workspace wired from the first one's outputs.
const notes = new modelarts.Workspace("notes", {
    name: pulumi.interpolate`${team.name}-notes`,
    description: pulumi.interpolate`Notes of workspace ${team.workspaceId}`,
});

// Cap the team's ExeML GPU training minutes; removing the quota restores the value from before.
const quotas = new modelarts.WorkspaceQuotas("team-quotas", {
    workspaceId: team.workspaceId,
    quotas: { "exemlProject.gpu_duration": config.getNumber("gpuMinutes") ?? 600 },
});

// A lookup: the default workspace every account has, found by name.
const defaults = modelarts.getWorkspacesOutput({ name: "default", filterAccessible: true });

// An explicit provider for a second region; its credentials also come from HW_* (never stored).
const otherRegion = new modelarts.Provider("other-region", {
    region: config.get("otherRegion") ?? "ap-southeast-1",
    endpoint: config.get("otherEndpoint"),
});
const archive = new modelarts.Workspace(
    "archive",
    { name: pulumi.interpolate`${team.name}-archive`, description: "Kept in a second region" },
    { provider: otherRegion },
);

// Workspaces brought in with `pulumi import modelarts:index:Workspace NAME ID`, declared as they are.
for (const name of config.getObject<string[]>("imported") ?? []) {
    new modelarts.Workspace(name, { name });
}

export const teamId = team.workspaceId;
export const teamGrants = team.grants;
export const notesName = notes.name;
export const gpuMinutes = quotas.quotas;
export const defaultWorkspaceId = defaults.workspaces.apply((found) => found[0]?.id);
export const archiveId = archive.workspaceId;
export const archiveRegion = archive.region;
