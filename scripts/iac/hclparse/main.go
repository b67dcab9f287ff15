// Command hclparse parses every file named on the command line with the HCL native-syntax parser
// that Terraform itself uses, and reports each syntax error with its position. In .tf files it also
// requires every variable block to carry a description and a type, and every output a description.
// It exits 1 when any file fails, 2 on bad usage.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// requiredAttributes lists, per top-level block type, the attributes every such block must set.
var requiredAttributes = map[string][]string{
	"variable": {"description", "type"},
	"output":   {"description"},
}

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
		file, fileDiags := parser.ParseHCL(src, path)
		if !fileDiags.HasErrors() && strings.HasSuffix(path, ".tf") {
			fileDiags = append(fileDiags, checkDocumented(file)...)
		}
		if fileDiags.HasErrors() {
			failed++
		}
		diags = append(diags, fileDiags...)
	}
	if len(diags) > 0 {
		writer := hcl.NewDiagnosticTextWriter(os.Stderr, parser.Files(), 100, false)
		_ = writer.WriteDiagnostics(diags)
	}
	fmt.Printf("hclparse: %d files, %d passed, %d failed\n", len(os.Args)-1, len(os.Args)-1-failed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

// checkDocumented reports variable and output blocks that lack a required attribute.
func checkDocumented(file *hcl.File) hcl.Diagnostics {
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var diags hcl.Diagnostics
	for _, block := range body.Blocks {
		for _, name := range requiredAttributes[block.Type] {
			if _, set := block.Body.Attributes[name]; !set {
				rng := block.DefRange()
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  fmt.Sprintf("%s without %s", block.Type, name),
					Detail:   fmt.Sprintf("Every %s block must set %q (%s %q).", block.Type, name, block.Type, strings.Join(block.Labels, " ")),
					Subject:  &rng,
				})
			}
		}
	}
	return diags
}
