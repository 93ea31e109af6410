// Reference side of `bench -- render`: renders a corpus of conversations with Hugging Face's JS Jinja
// (@huggingface/jinja), the context built as transformers' apply_chat_template builds it from tokenizer_config.json.
// Usage: node hf_jinja_render_bench.cjs <tests/oracles dir>
//   stdin:  {"config": path, "conversations": [[{role, content}...]...], "targetSeconds": s}
//   stdout: {"renders": n, "chars": total UTF-16 length of one pass, "seconds": timed-loop time, "passes": k}
// Only the render loop is timed, after a warm-up pass (which also compiles the template once, as a user would).
"use strict";
const fs = require("fs");
const path = require("path");

const { Template } = require(path.join(process.argv[2], "node_modules", "@huggingface", "jinja"));
const request = JSON.parse(fs.readFileSync(0, "utf8"));
const config = JSON.parse(fs.readFileSync(request.config, "utf8"));
let source = config.chat_template;
if (Array.isArray(source)) source = source.find((t) => t.name === "default").template;

const tokenText = (t) => (typeof t === "string" ? t : t && typeof t.content === "string" ? t.content : null);
const special = {};
for (const key of ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]) {
  const value = tokenText(config[key]);
  if (value) special[key] = value;
}
if (Array.isArray(config.additional_special_tokens) && config.additional_special_tokens.length > 0)
  special.additional_special_tokens = config.additional_special_tokens.map(tokenText);

const template = new Template(source);
const conversations = request.conversations;
const renderPass = () => {
  let chars = 0;
  for (const messages of conversations)
    chars += template.render({ ...special, messages, tools: null, documents: null, add_generation_prompt: false }).length;
  return chars;
};

// Warm-up (JIT) and calibration: enough passes that the timed loop lasts about targetSeconds.
const warmStart = process.hrtime.bigint();
const chars = renderPass();
renderPass();
const onePass = Number(process.hrtime.bigint() - warmStart) / 2e9;
const passes = Math.max(1, Math.ceil(request.targetSeconds / Math.max(onePass, 1e-6)));

const start = process.hrtime.bigint();
let check = 0;
for (let p = 0; p < passes; p++) check += renderPass();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
if (check !== chars * passes) throw new Error("rendering is not deterministic");
process.stdout.write(JSON.stringify({ renders: conversations.length * passes, chars, seconds, passes }));
