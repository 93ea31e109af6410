// JS side of `dotnet run -c Release --project bench/DeclarativeSft.Bench -- tokenizer`: encodes the same corpus
// with Hugging Face's own JS tokenizer and reports the time of the encode loop only (after a warm-up pass).
// Usage: node encode_benchmark.mjs <tests/oracles dir> <model dir> <corpus.json: array of strings> <passes>
// Prints one JSON line: {"tokens": <tokens in one pass>, "seconds": <time for all timed passes>}
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [oraclesDir, modelDir, corpusPath, passesArg] = process.argv.slice(2);
const { Tokenizer } = await import(
  pathToFileURL(join(oraclesDir, "node_modules", "@huggingface", "tokenizers", "dist", "tokenizers.mjs")).href
);
const load = (name) => JSON.parse(readFileSync(join(modelDir, name), "utf8"));
const tokenizer = new Tokenizer(load("tokenizer.json"), load("tokenizer_config.json"));
const texts = JSON.parse(readFileSync(corpusPath, "utf8"));
const passes = Number(passesArg);

const encodeAll = () => {
  let tokens = 0;
  for (const t of texts) tokens += tokenizer.encode(t, { add_special_tokens: false }).ids.length;
  return tokens;
};
const tokens = encodeAll(); // warm-up: JIT and the word cache, as the C# side gets
const start = process.hrtime.bigint();
for (let p = 0; p < passes; p++) encodeAll();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({ tokens, seconds }) + "\n");
