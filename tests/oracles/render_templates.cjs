// Renders Jinja templates with Hugging Face's own JS implementation (@huggingface/jinja), the parity oracle.
// Usage: node render_templates.cjs <path to node_modules/@huggingface/jinja>  (reads a JSON array of cases on stdin)
// Each case: {"template": string, "context": object}. Output: a JSON array of {"ok": true, "text"} or {"ok": false, "error"}.
"use strict";
const path = require("path");
const { Template } = require(path.resolve(process.argv[2]));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  const compiled = new Map();
  const results = cases.map((c) => {
    try {
      let template = compiled.get(c.template);
      if (!template) {
        template = new Template(c.template);
        compiled.set(c.template, template);
      }
      return { ok: true, text: template.render(c.context) };
    } catch (e) {
      return { ok: false, error: String(e && e.message ? e.message : e) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
