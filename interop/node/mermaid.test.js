// Every diagram the harness's tests draw, read by Mermaid itself: each
// parses as a sequence diagram with no directive in it; none is longer
// than Mermaid's maxTextSize but the one meant to be, which Mermaid
// refuses, so that the harness's limit means something; a directive in
// a <Say> is a message's text.
//
// The diagrams are the files of the directory TWIMLHARNESS_DIAGRAMS names,
// as `TWIMLHARNESS_DIAGRAMS=dir go test -count=1 -run Mermaid ./harness`
// writes them; without it this test runs that itself, from the root of
// the repository two levels up, and fails if it cannot.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

// corpus returns the directory of the diagrams and their files, writing
// them first when TWIMLHARNESS_DIAGRAMS is not set.
function corpus() {
  let dir = process.env.TWIMLHARNESS_DIAGRAMS;
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "twimlharness-diagrams-"));
    const made = dir;
    process.on("exit", () => fs.rmSync(made, { recursive: true, force: true }));
    const root = path.resolve(__dirname, "..", "..");
    try {
      execFileSync("go", ["test", "-count=1", "-run", "Mermaid", "./harness"], {
        cwd: root,
        env: { ...process.env, TWIMLHARNESS_DIAGRAMS: dir },
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (err) {
      throw new Error(`TWIMLHARNESS_DIAGRAMS is not set, and writing the diagrams with go test in ${root} failed: ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    }
  }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".mmd")).sort();
  return { dir, files, read: (f) => fs.readFileSync(path.join(dir, f), "utf8") };
}

const diagrams = corpus();
const overLimit = (f) => f.includes("-over-limit-");

// loadMermaid imports Mermaid (an ES module), with a DOM from jsdom to
// draw in, which Mermaid must find when it is first imported: jsdom
// measures no text, so every character is 8 pixels wide.
async function loadMermaid() {
  if (!globalThis.document) {
    const { JSDOM } = require("jsdom");
    const { window } = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
    for (const name of Object.getOwnPropertyNames(window)) {
      if (!(name in globalThis)) {
        try {
          globalThis[name] = window[name];
        } catch {
          // a property the global object will not take
        }
      }
    }
    globalThis.window = window;
    globalThis.document = window.document;
    const width = function () {
      return 8 * (this.textContent || "").length;
    };
    window.SVGElement.prototype.getBBox = function () {
      return { x: 0, y: 0, width: width.call(this), height: 16 };
    };
    window.SVGElement.prototype.getComputedTextLength = width;
  }
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false });
  return mermaid;
}

// decoded is a text of a parsed diagram with Mermaid's placeholders of
// entity codes (#35; and #quot;) made the characters again.
function decoded(text) {
  const named = { quot: '"', lt: "<", gt: ">", amp: "&", nbsp: "\u00a0" };
  return text
    .replace(/\ufb02\u00b0\u00b0(\d+)\u00b6\u00df/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/\ufb02\u00b0(\w+)\u00b6\u00df/g, (_, name) => named[name] ?? `#${name};`);
}

test("the corpus has the diagrams of the golden flows and of the cases Mermaid must survive", () => {
  const { dir, files } = diagrams;
  assert.ok(files.length >= 40, `${dir}: ${files.length} diagrams, want 40 or more (go test -run Mermaid ./harness writes them)`);
  for (const want of ["TestMermaidCorpus-queue_three_callers_two_agents-", "TestMermaidCorpus-conference_muted-", "TestMermaidCorpus-fallback-",
    "TestMermaidEscapes-init-directive-", "TestMermaidWrapsLongText-", "TestMermaidFailedReplies-", "TestMermaidLimit-over-limit-",
    "TestMermaidOfAConversation-", "TestMermaidOfAStream-", "TestConferenceMermaid-"]) {
    assert.ok(files.some((f) => f.startsWith(want)), `${dir}: no diagram ${want}*.mmd`);
  }
});

test("every diagram parses as a sequence diagram, with no directive", async () => {
  const mermaid = await loadMermaid();
  const failures = [];
  for (const f of diagrams.files) {
    try {
      const got = await mermaid.parse(diagrams.read(f));
      if (got.diagramType !== "sequence" || Object.keys(got.config).length > 0) {
        failures.push(`${f}: a ${got.diagramType} diagram with the directive ${JSON.stringify(got.config)}`);
      }
    } catch (err) {
      failures.push(`${f}: ${err.message}`);
    }
  }
  assert.deepStrictEqual(failures, [], `of ${diagrams.files.length} diagrams in ${diagrams.dir}, Mermaid refused:\n${failures.join("\n\n")}`);
});

test("no diagram is longer than Mermaid's maxTextSize but the one meant to be", async () => {
  const mermaid = await loadMermaid();
  const max = mermaid.mermaidAPI.defaultConfig.maxTextSize;
  assert.strictEqual(max, 50000);
  const tooLong = diagrams.files.filter((f) => !overLimit(f) && diagrams.read(f).length > max);
  assert.deepStrictEqual(tooLong, [], `diagrams longer than ${max} characters`);
  const over = diagrams.files.filter(overLimit);
  assert.ok(over.length > 0 && over.every((f) => diagrams.read(f).length > max), `${over}: want diagrams longer than ${max} characters`);
});

test("Mermaid draws a server's diagram cut at the limit, and refuses the whole one", async () => {
  const mermaid = await loadMermaid();
  const over = diagrams.files.find(overLimit);
  const cut = diagrams.files.filter((f) => f.startsWith("TestMermaidLimit-") && !overLimit(f))
    .sort((a, b) => diagrams.read(b).length - diagrams.read(a).length)[0];
  const refused = /Maximum text size in diagram exceeded/;
  const whole = await mermaid.render("over", diagrams.read(over));
  assert.match(whole.svg, refused, `${over}: Mermaid drew a diagram of ${diagrams.read(over).length} characters`);
  const shown = await mermaid.render("cut", diagrams.read(cut));
  assert.doesNotMatch(shown.svg, refused, `${cut}: Mermaid refused a diagram of ${diagrams.read(cut).length} characters`);
  assert.match(shown.svg, /cut at the diagram's limit/, `${cut}: the note of what was left out is not drawn`);
});

test("a directive in a <Say> is the text of a message", async () => {
  const mermaid = await loadMermaid();
  const f = diagrams.files.find((name) => name.startsWith("TestMermaidEscapes-init-directive-"));
  const text = diagrams.read(f);
  const got = await mermaid.parse(text);
  assert.deepStrictEqual(got.config, {}, `${f}: Mermaid read a directive`);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const said = diagram.db.getMessages().map((m) => decoded(m.message));
  assert.ok(said.includes('says "%%{init: {\\"theme\\":\\"dark\\"}}%%"'), `${f}: no message says the directive; the messages are\n${said.join("\n")}`);
  assert.ok(said.includes('says "<b>bold</b> & 50%; #1"'), `${f}: no message says the HTML; the messages are\n${said.join("\n")}`);
});
