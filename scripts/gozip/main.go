// Command gozip writes the module zip of a Go module directory, as the Go module proxy serves it,
// with golang.org/x/mod/zip (the rules the go command checks: paths, sizes, no nested modules).
//
// Usage: gozip MODULE_PATH VERSION DIR OUT.zip
package main

import (
	"fmt"
	"os"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: gozip MODULE_PATH VERSION DIR OUT.zip")
		os.Exit(2)
	}
	out, err := os.Create(os.Args[4])
	if err == nil {
		err = zip.CreateFromDir(out, module.Version{Path: os.Args[1], Version: os.Args[2]}, os.Args[3])
		if closeErr := out.Close(); err == nil {
			err = closeErr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gozip:", err)
		os.Exit(1)
	}
}
