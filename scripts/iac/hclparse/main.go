// Command hclparse parses every file named on the command line with the HCL native-syntax parser
// that Terraform itself uses, and reports each syntax error with its position.
// It exits 1 when any file fails to parse, 2 on bad usage.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hclparse FILE...")
		os.Exit(2)
	}
	parser := hclparse.NewParser()
	var diags hcl.Diagnostics
	failed := 0
	for _, path := range os.Args[1:] {
		src, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			failed++
			continue
		}
		_, fileDiags := parser.ParseHCL(src, path)
		if fileDiags.HasErrors() {
			failed++
		}
		diags = append(diags, fileDiags...)
	}
	if len(diags) > 0 {
		writer := hcl.NewDiagnosticTextWriter(os.Stderr, parser.Files(), 100, false)
		_ = writer.WriteDiagnostics(diags)
	}
	fmt.Printf("hclparse: %d files, %d parsed, %d failed\n", len(os.Args)-1, len(os.Args)-1-failed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
