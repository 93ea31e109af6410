// JS side of `dotnet run -c Release --project bench/DeclarativeSft.Bench -- tokenizer`: encodes the benchmark's
// input classes with Hugging Face's own JS tokenizer. It stays running so that the C# side can alternate rounds
// between its peers (ours, Microsoft.ML.Tokenizers, this one) in one run. Only the encode loop is timed.
// Usage: node encode_benchmark.mjs <tests/oracles dir> <corpus.json: {"<class>": {"warm": [...], "timed": [...]}}>
// Then one JSON command per line on stdin, one JSON answer per line on stdout:
//   {"cmd": "load", "dir": "<model dir>"}   -> {"ok": true}
//   {"cmd": "warm", "class": "<class>", "seconds": s} -> {"tokens": <tokens of the warm-up texts>}
//                                           (at least two passes over the warm-up texts and s seconds)
//   {"cmd": "time", "class": "<class>"}     -> {"tokens": <tokens of the timed texts>, "seconds": <encode loop>}
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createInterface } from "node:readline";

const [oraclesDir, corpusPath] = process.argv.slice(2);
const { Tokenizer } = await import(
  pathToFileURL(join(oraclesDir, "node_modules", "@huggingface", "tokenizers", "dist", "tokenizers.mjs")).href
);
const classes = JSON.parse(readFileSync(corpusPath, "utf8"));
let tokenizer = null;

const encodeAll = (texts) => {
  let tokens = 0;
  for (const t of texts) tokens += tokenizer.encode(t, { add_special_tokens: false }).ids.length;
  return tokens;
};

const reply = (value) => process.stdout.write(JSON.stringify(value) + "\n");

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  if (command.cmd === "load") {
    const load = (name) => JSON.parse(readFileSync(join(command.dir, name), "utf8"));
    tokenizer = new Tokenizer(load("tokenizer.json"), load("tokenizer_config.json"));
    reply({ ok: true });
  } else if (command.cmd === "warm") {
    const texts = classes[command.class].warm;
    const start = process.hrtime.bigint();
    let tokens = 0;
    for (let pass = 0; pass < 2 || Number(process.hrtime.bigint() - start) / 1e9 < (command.seconds ?? 0); pass++)
      tokens = encodeAll(texts);
    reply({ tokens });
  } else if (command.cmd === "time") {
    const texts = classes[command.class].timed;
    const start = process.hrtime.bigint();
    const tokens = encodeAll(texts);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    reply({ tokens, seconds });
  } else {
    reply({ error: `unknown command ${command.cmd}` });
  }
}
