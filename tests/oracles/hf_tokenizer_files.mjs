// Oracle for exported tokenizer files: Hugging Face's JS tokenizer and Jinja read a folder's tokenizer.json and
// tokenizer_config.json. Usage: node hf_tokenizer_files.mjs <tests/oracles dir>
// stdin: {"dir": folder, "texts": [...], "messages": [{role, content}, ...]}
// stdout: {"ids": [[...]], "chat": "<chat_template rendering with add_generation_prompt>"}
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const oraclesDir = process.argv[2];
const { Tokenizer } = await import(
  pathToFileURL(join(oraclesDir, "node_modules", "@huggingface", "tokenizers", "dist", "tokenizers.mjs")).href
);
const { Template } = createRequire(import.meta.url)(join(oraclesDir, "node_modules", "@huggingface", "jinja"));
const request = JSON.parse(readFileSync(0, "utf8"));
const load = (name) => JSON.parse(readFileSync(join(request.dir, name), "utf8"));
const config = load("tokenizer_config.json");
const tokenizer = new Tokenizer(load("tokenizer.json"), config);
const ids = request.texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }).ids);
const chat = new Template(config.chat_template).render({
  messages: request.messages, add_generation_prompt: true, eos_token: config.eos_token,
});
process.stdout.write(JSON.stringify({ ids, chat }));
