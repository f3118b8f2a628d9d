// Added by scripts/get-pulumi.sh to the v3.79 Python language host it builds.
//
// Why: CLIs since about v3.100 describe the plugin RunPlugin must start (a policy pack, a
// provider written in Python) only in RunPluginRequest.info, field 5, a ProgramInfo that this
// host's copy of the protocol does not know. It reads only the deprecated `program` field, which
// those CLIs leave empty, so it started `python ""`: Python then runs __main__.py of the working
// directory, which is the stack's own program, and the policy pack never starts. Here the
// host reads the plugin directory and its `virtualenv` option from field 5 instead.
package main

import (
	"path/filepath"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// Field numbers in pulumi/language.proto.
const (
	runPluginRequestInfo  = 5
	programInfoRoot       = 1
	programInfoDirectory  = 2
	programInfoEntryPoint = 3
	programInfoOptions    = 4
)

// pluginTarget is the program to run for req, and the host to run it with: a copy whose
// virtualenv is the plugin's own `runtime.options.virtualenv` (PulumiPolicy.yaml), if it has one.
func pluginTarget(req *pulumirpc.RunPluginRequest, host *pythonLanguageHost) (string, *pythonLanguageHost) {
	if req.Program != "" {
		return req.Program, host
	}
	info, ok := bytesField(req.ProtoReflect().GetUnknown(), runPluginRequestInfo)
	if !ok {
		return req.Program, host
	}
	root, _ := bytesField(info, programInfoRoot)
	dir, _ := bytesField(info, programInfoDirectory)
	entry, _ := bytesField(info, programInfoEntryPoint)
	program := filepath.Join(string(dir), string(entry))

	target := *host
	if raw, ok := bytesField(info, programInfoOptions); ok {
		var options structpb.Struct
		if proto.Unmarshal(raw, &options) == nil {
			if venv := options.Fields["virtualenv"].GetStringValue(); venv != "" {
				target.virtualenv = venv
				target.virtualenvPath = resolveVirtualEnvironmentPath(string(root), venv)
			}
		}
	}
	return program, &target
}

// bytesField is the last length-delimited field `num` of a protobuf encoding.
func bytesField(b []byte, num protowire.Number) ([]byte, bool) {
	var found []byte
	ok := false
	for len(b) > 0 {
		n, typ, size := protowire.ConsumeTag(b)
		if size < 0 {
			break
		}
		b = b[size:]
		size = protowire.ConsumeFieldValue(n, typ, b)
		if size < 0 {
			break
		}
		if n == num && typ == protowire.BytesType {
			found, _ = protowire.ConsumeBytes(b[:size])
			ok = true
		}
		b = b[size:]
	}
	return found, ok
}
