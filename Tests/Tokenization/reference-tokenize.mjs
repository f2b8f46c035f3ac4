// Independent reference for WordPieceTokenizer: Hugging Face's own JS tokenizers (@huggingface/tokenizers),
// configured like bert-base-uncased's tokenizer.json. Run by ReferenceTokenizer.cs with
// NODE_PATH=<repo>/.deps/reference/node_modules (scripts/setup.sh --test installs it).
// stdin:  {"vocab": "/abs/vocab.txt", "texts": ["...", ...]}
// stdout: [[101, ..., 102], ...]   one id list per text, [CLS] and [SEP] included.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// Resolve through NODE_PATH (ESM imports ignore it; require honours it).
const require = createRequire(import.meta.url);
const { Tokenizer } = require("@huggingface/tokenizers");

const request = JSON.parse(readFileSync(0, "utf8"));
const lines = readFileSync(request.vocab, "utf8").split("\n");
if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
const vocab = {};
lines.forEach((token, id) => { vocab[token.trimEnd()] = id; });

const tokenizerJson = {
  version: "1.0",
  truncation: null,
  padding: null,
  // No added_tokens: literal "[CLS]" etc. in the text are ordinary text, which is what our tokenizer does
  // (HF's split_special_tokens=True). [CLS]/[SEP] still come from the post-processor.
  added_tokens: [],
  normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: "BertPreTokenizer" },
  post_processor: {
    type: "TemplateProcessing",
    single: [
      { SpecialToken: { id: "[CLS]", type_id: 0 } },
      { Sequence: { id: "A", type_id: 0 } },
      { SpecialToken: { id: "[SEP]", type_id: 0 } },
    ],
    pair: [
      { SpecialToken: { id: "[CLS]", type_id: 0 } },
      { Sequence: { id: "A", type_id: 0 } },
      { SpecialToken: { id: "[SEP]", type_id: 0 } },
      { Sequence: { id: "B", type_id: 1 } },
      { SpecialToken: { id: "[SEP]", type_id: 1 } },
    ],
    special_tokens: {
      "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] },
      "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] },
    },
  },
  decoder: { type: "WordPiece", prefix: "##", cleanup: true },
  model: {
    type: "WordPiece",
    unk_token: "[UNK]",
    continuing_subword_prefix: "##",
    max_input_chars_per_word: 100,
    vocab,
  },
};
const tokenizerConfig = { do_lower_case: true, model_max_length: 512, tokenizer_class: "BertTokenizer" };

const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
const result = request.texts.map((text) => tokenizer.encode(text).ids);
process.stdout.write(JSON.stringify(result));
