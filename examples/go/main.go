// ModelArts workspaces in Go, through the native `modelarts` plugin and its generated SDK.
//
// Stack config (all optional):
//
//	teamName       name of the internal workspace (default "go-team")
//	teamLead       IAM user granted the internal workspace besides bob (default "alice")
//	teamAccess     its authType (default "INTERNAL")
//	teamBrief      its description: set it with `pulumi config set --secret teamBrief ...`
//	gpuMinutes     its ExeML GPU training minutes (default 600)
//	otherRegion    region of the archive workspace, served by a second provider (default ap-southeast-1)
//	otherEndpoint  ModelArts endpoint of that region, when it is not the public one
//	imported       JSON list of names of workspaces brought in with `pulumi import`
//
// Credentials: modelarts:* config or the HW_* variables, which the plugin reads itself.
package main

import (
	"errors"

	"github.com/modelarts-provider/modelarts-provider/sdk/go/modelarts"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func orDefault(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		teamName := orDefault(cfg.Get("teamName"), "go-team")

		// An INTERNAL workspace: only the granted users get in. Its description is a secret input,
		// so the description output is secret too and the state keeps only its ciphertext.
		var brief pulumi.StringPtrInput = pulumi.String("Training and inference for the ML team")
		if secret, err := cfg.TrySecret("teamBrief"); err == nil {
			brief = secret
		}
		team, err := modelarts.NewWorkspace(ctx, "team", &modelarts.WorkspaceArgs{
			Name:        pulumi.String(teamName),
			Description: brief,
			AuthType:    pulumi.String(orDefault(cfg.Get("teamAccess"), "INTERNAL")),
			Grants: modelarts.GrantArray{
				modelarts.GrantArgs{UserName: pulumi.String(orDefault(cfg.Get("teamLead"), "alice"))},
				modelarts.GrantArgs{UserName: pulumi.String("bob"), UserType: pulumi.String("IAM")},
			},
		})
		if err != nil {
			return err
		}

		// A second workspace wired from the first one's outputs.
		notes, err := modelarts.NewWorkspace(ctx, "notes", &modelarts.WorkspaceArgs{
			Name:        pulumi.Sprintf("%s-notes", team.Name),
			Description: pulumi.Sprintf("Notes of workspace %s", team.WorkspaceId),
		})
		if err != nil {
			return err
		}

		// Cap the team's ExeML GPU training minutes; removing the quota restores the value from before.
		minutes := cfg.GetInt("gpuMinutes")
		if minutes == 0 {
			minutes = 600
		}
		quotas, err := modelarts.NewWorkspaceQuotas(ctx, "team-quotas", &modelarts.WorkspaceQuotasArgs{
			WorkspaceId: team.WorkspaceId,
			Quotas:      pulumi.IntMap{"exemlProject.gpu_duration": pulumi.Int(minutes)},
		})
		if err != nil {
			return err
		}

		// A lookup: the default workspace every account has, found by name.
		defaults := modelarts.GetWorkspacesOutput(ctx, modelarts.GetWorkspacesOutputArgs{
			Name:             pulumi.String("default"),
			FilterAccessible: pulumi.Bool(true),
		})

		// An explicit provider for a second region; its credentials also come from HW_* (never stored).
		var endpoint pulumi.StringPtrInput
		if value := cfg.Get("otherEndpoint"); value != "" {
			endpoint = pulumi.String(value)
		}
		otherRegion, err := modelarts.NewProvider(ctx, "other-region", &modelarts.ProviderArgs{
			Region:   pulumi.String(orDefault(cfg.Get("otherRegion"), "ap-southeast-1")),
			Endpoint: endpoint,
		})
		if err != nil {
			return err
		}
		archive, err := modelarts.NewWorkspace(ctx, "archive", &modelarts.WorkspaceArgs{
			Name:        pulumi.Sprintf("%s-archive", team.Name),
			Description: pulumi.String("Kept in a second region"),
		}, pulumi.Provider(otherRegion))
		if err != nil {
			return err
		}

		// Workspaces brought in with `pulumi import modelarts:index:Workspace NAME ID`, declared as they are.
		var imported []string
		if err := cfg.TryObject("imported", &imported); err != nil && !errors.Is(err, config.ErrMissingVar) {
			return err
		}
		for _, name := range imported {
			if _, err := modelarts.NewWorkspace(ctx, name, &modelarts.WorkspaceArgs{Name: pulumi.String(name)}); err != nil {
				return err
			}
		}

		ctx.Export("teamId", team.WorkspaceId)
		ctx.Export("teamGrants", team.Grants)
		ctx.Export("notesName", notes.Name)
		ctx.Export("gpuMinutes", quotas.Quotas)
		ctx.Export("defaultWorkspaceId", defaults.Workspaces().Index(pulumi.Int(0)).Id())
		ctx.Export("archiveId", archive.WorkspaceId)
		ctx.Export("archiveRegion", archive.Region)
		return nil
	})
}
