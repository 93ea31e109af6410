// Oracle for exported tokenizers: Hugging Face's JS tokenizer reads a folder's tokenizer.json (and
// tokenizer_config.json) and encodes texts with add_special_tokens=false, as apply_chat_template tokenizes.
// Usage: node tokenize_files.mjs <tests/oracles dir> <folder>
// stdin: {"texts": [...]}   stdout: {"ids": [[...], ...], "added": [{id, content, special}, ...]}
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [oraclesDir, folder] = process.argv.slice(2);
const { Tokenizer } = await import(
  pathToFileURL(join(oraclesDir, "node_modules", "@huggingface", "tokenizers", "dist", "tokenizers.mjs")).href
);
const load = (name) => JSON.parse(readFileSync(join(folder, name), "utf8"));
const json = load("tokenizer.json");
const tokenizer = new Tokenizer(json, load("tokenizer_config.json"));
const request = JSON.parse(readFileSync(0, "utf8"));
const ids = request.texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }).ids);
const added = (json.added_tokens ?? []).map((t) => ({ id: t.id, content: t.content, special: t.special }));
process.stdout.write(JSON.stringify({ ids, added }));
