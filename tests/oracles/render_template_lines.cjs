// Test oracle: renders Jinja templates with Hugging Face's own JS implementation (@huggingface/jinja), for the Jinja
// parity tests and the chat-template tests alike. Reads one JSON request per stdin line: {"template", "context"};
// writes one JSON line per request, in order: {"text"} or {"error"}. Templates are compiled once.
// Usage: node render_template_lines.cjs <path to node_modules/@huggingface/jinja>
const { Template } = require(process.argv[2]);
const readline = require('readline');
const cache = new Map();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    let template = cache.get(request.template);
    if (!template) { template = new Template(request.template); cache.set(request.template, template); }
    reply = { text: template.render(request.context) };
  } catch (e) {
    reply = { error: String(e && e.message || e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
