// Oracle for `sft tokenize` / `sft detokenize`: Hugging Face's JS tokenizer (@huggingface/tokenizers).
// Usage: node tokenize.mjs <tests/oracles dir>   stdin: {"tokenizer": model dir, "texts": [...], "decode": [[ids], ...]}
// stdout: {"plain": [[ids]], "special": [[ids]], "decoded": [text], "decodedSkip": [text]}
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const oraclesDir = process.argv[2];
const { Tokenizer } = await import(
  pathToFileURL(join(oraclesDir, "node_modules", "@huggingface", "tokenizers", "dist", "tokenizers.mjs")).href
);
const request = JSON.parse(readFileSync(0, "utf8"));
const load = (name) => JSON.parse(readFileSync(join(request.tokenizer, name), "utf8"));
const tokenizer = new Tokenizer(load("tokenizer.json"), load("tokenizer_config.json"));

const plain = request.texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }).ids);
const special = request.texts.map((t) => tokenizer.encode(t, { add_special_tokens: true }).ids);
const decode = request.decode ?? [];
const decoded = decode.map((ids) => (ids.length ? tokenizer.decode(ids) : ""));
const decodedSkip = decode.map((ids) => (ids.length ? tokenizer.decode(ids, { skip_special_tokens: true }) : ""));
process.stdout.write(JSON.stringify({ plain, special, decoded, decodedSkip }));
