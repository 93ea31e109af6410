// Oracle for `sft render`: renders conversations with Hugging Face's JS Jinja (@huggingface/jinja), building the
// context the way transformers' apply_chat_template does, straight from the tokenizer_config.json file.
// Usage: node render_chat.cjs <tests/oracles dir>   stdin: {"config": path, "addGenerationPrompt": bool,
// "conversations": [[{role, content}, ...], ...]}   stdout: [{"ok": true, "text"} | {"ok": false, "error"}, ...]
"use strict";
const fs = require("fs");
const path = require("path");

const oraclesDir = process.argv[2];
const { Template } = require(path.join(oraclesDir, "node_modules", "@huggingface", "jinja"));
const request = JSON.parse(fs.readFileSync(0, "utf8"));
const config = JSON.parse(fs.readFileSync(request.config, "utf8"));

let source = config.chat_template;
if (Array.isArray(source)) source = source.find((t) => t.name === "default").template;
if (typeof source !== "string") throw new Error(`${request.config}: no chat_template string`);

const tokenText = (t) => (typeof t === "string" ? t : t && typeof t.content === "string" ? t.content : null);
const special = {};
for (const key of ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]) {
  const value = tokenText(config[key]);
  if (value) special[key] = value;
}
if (Array.isArray(config.additional_special_tokens) && config.additional_special_tokens.length > 0)
  special.additional_special_tokens = config.additional_special_tokens.map(tokenText);

const template = new Template(source);
const results = request.conversations.map((messages) => {
  try {
    const text = template.render({
      ...special,
      messages,
      tools: null,
      documents: null,
      add_generation_prompt: request.addGenerationPrompt,
    });
    return { ok: true, text };
  } catch (e) {
    return { ok: false, error: String(e && e.message ? e.message : e) };
  }
});
process.stdout.write(JSON.stringify(results));
