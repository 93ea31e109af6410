// Runs Hugging Face's JS tokenizer (@huggingface/tokenizers) as an independent oracle for the C# tests and the
// benchmark. Usage: node hf_tokenizer_oracle.mjs <tests/oracles dir> <mode>   (request JSON on stdin)
//   mode "encode":    {"tokenizer": "<model dir>", "texts": [...], "decode": [[ids]...]}
//                     ("textUnits": [[UTF-16 code units]...] instead of "texts" carries lone surrogates, which JSON
//                     writers replace by U+FFFD)
//                     -> {"plain": [[ids]], "plainTokens": [[token strings]], "special": [[ids]],
//                         "decoded": [text], "decodedSkip": [text], "plainDecodedRaw": [decode(plain) without clean-up]}
//   mode "decode_prefixes": {"tokenizer": "<model dir>", "items": [{"ids": [...], "cuts": [n...], "cleanup": bool|null}]}
//                     -> {"decoded": [[decode(ids.slice(0, n)) for each cut]]}  (cleanup null: the tokenizer's default)
//   mode "benchmark": {"tokenizer": "<model dir>", "texts": [...], "repeat": n}
//                     -> {"tokens": total, "seconds": encode-loop time of the timed pass}
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [oraclesDir, mode] = process.argv.slice(2);
const { Tokenizer } = await import(
  pathToFileURL(join(oraclesDir, "node_modules", "@huggingface", "tokenizers", "dist", "tokenizers.mjs")).href
);
const request = JSON.parse(readFileSync(0, "utf8"));
const load = (name) => JSON.parse(readFileSync(join(request.tokenizer, name), "utf8"));
const tokenizer = new Tokenizer(load("tokenizer.json"), load("tokenizer_config.json"));

const decodeOrEmpty = (ids, options = {}) => (ids.length ? tokenizer.decode(ids, options) : "");

if (request.textUnits) request.texts = request.textUnits.map((units) => String.fromCharCode(...units));

if (mode === "encode") {
  const plainEncodings = request.texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }));
  const plain = plainEncodings.map((e) => e.ids);
  const plainTokens = plainEncodings.map((e) => e.tokens);
  const plainDecodedRaw = plain.map((ids) => decodeOrEmpty(ids, { clean_up_tokenization_spaces: false }));
  const special = request.texts.map((t) => tokenizer.encode(t, { add_special_tokens: true }).ids);
  const decode = request.decode ?? [];
  const decoded = decode.map((ids) => (ids.length ? tokenizer.decode(ids) : ""));
  const decodedSkip = decode.map((ids) => (ids.length ? tokenizer.decode(ids, { skip_special_tokens: true }) : ""));
  process.stdout.write(JSON.stringify({ plain, plainTokens, special, decoded, decodedSkip, plainDecodedRaw }));
} else if (mode === "decode_prefixes") {
  const decoded = request.items.map((item) =>
    item.cuts.map((n) =>
      decodeOrEmpty(item.ids.slice(0, n), item.cleanup === null || item.cleanup === undefined ? {} : { clean_up_tokenization_spaces: item.cleanup })
    )
  );
  process.stdout.write(JSON.stringify({ decoded }));
} else if (mode === "benchmark") {
  let tokens = 0;
  for (const t of request.texts) tokens += tokenizer.encode(t, { add_special_tokens: false }).ids.length; // warm-up
  tokens = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < request.repeat; r++)
    for (const t of request.texts) tokens += tokenizer.encode(t, { add_special_tokens: false }).ids.length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ tokens, seconds }));
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
