/**
 * Embedding (issue 7): a long-running service swaps in a new table atomically. Evaluations in
 * flight finish on the old table; a table that fails to load leaves the old one in place.
 */
import { describe, expect, it } from "vitest";
import { createEngine, loadTable, type Engine } from "../../runtime/index.ts";
import { computeContentHash } from "../../runtime/integrity.ts";
import { RULES, claim, tableOf } from "./support.ts";

// Table B = table A plus one rule that fires on every 17000 claim: results tell them apart.
const A = tableOf();
const B = tableOf(`${RULES}\nwhen 17000 flag\n  id cms.hostile.new\n  message "new in B"\n`);
const probe = claim();

/** Which table answered: "B" when the rule only B has fired. */
function which(result: { findings: { rule: string }[] }): "A" | "B" {
  return result.findings.some((f) => f.rule === "cms.hostile.new") ? "B" : "A";
}

function engineOf(json = A.json): Engine {
  const made = createEngine(json);
  if (!made.ok) throw new Error(JSON.stringify(made.errors));
  return made.engine;
}

describe("createEngine / engine.swap", () => {
  it("starts on its first table and swaps to the next", () => {
    const engine = engineOf();
    expect(which(engine.evaluate(probe))).toBe("A");
    const before = engine.current;
    const swapped = engine.swap(B.json);
    expect(swapped.ok).toBe(true);
    if (!swapped.ok) return;
    expect(swapped.previous).toBe(before);
    expect(swapped.current.generation).toBe(1);
    expect(engine.current.contentHash).toBe(JSON.parse(B.json).contentHash);
    expect(which(engine.evaluate(probe))).toBe("B");
    expect(which(engine.evaluateJsonText(JSON.stringify(probe)))).toBe("B");
  });

  it("a table that fails to load leaves the old one in place, whatever the failure", () => {
    const engine = engineOf();
    const current = engine.current;
    const tampered = JSON.parse(B.json);
    tampered.rules[0].message = "tampered";
    const failures: [unknown, { sha256?: string } | undefined, string][] = [
      ["{ not json", undefined, "DR4501"],
      [{ ...JSON.parse(B.json), formatVersion: 99 }, undefined, "DR4502"],
      [{ ...JSON.parse(B.json), rules: "none" }, undefined, "DR4503"],
      [tampered, undefined, "DR4505"],
      [B.json, { sha256: JSON.parse(A.json).contentHash }, "DR4506"],
      [B.json, { sha256: "not-a-hash" }, "DR4507"],
      [null, undefined, "DR4503"],
    ];
    for (const [input, options, code] of failures) {
      const r = engine.swap(input, options);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.errors[0]!.code).toBe(code);
      expect(r.current).toBe(current);
      expect(engine.current).toBe(current);
      expect(which(engine.evaluate(probe))).toBe("A");
    }
    expect(createEngine("{").ok).toBe(false);
  });

  it("a pinned swap takes only the reviewed release", () => {
    const engine = engineOf();
    const pinB = JSON.parse(B.json).contentHash as string;
    expect(engine.swap(B.json, { sha256: pinB }).ok).toBe(true);
    // An already loaded table: its verified content hash must match the pin.
    expect(engine.swap(A.table, { sha256: pinB }).ok).toBe(false);
    expect(which(engine.evaluate(probe))).toBe("B");
    expect(engine.swap(A.table).ok).toBe(true);
    expect(which(engine.evaluate(probe))).toBe("A");
  });

  it("a stream in flight finishes on the table it started with", async () => {
    const engine = engineOf();
    async function* lines(): AsyncGenerator<string> {
      for (let i = 1; i <= 6; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield JSON.stringify(claim({ id: `S${i}` }));
      }
    }
    const stream = engine.evaluateStream(lines());
    const seen: string[] = [];
    for await (const r of stream) {
      seen.push(`${r.claimId}:${which(r)}`);
      // Swap half-way: the stream does not notice, new work does.
      if (r.claimId === "S3") {
        expect(engine.swap(B.json).ok).toBe(true);
        expect(which(engine.evaluate(probe))).toBe("B");
      }
    }
    expect(seen).toEqual(["S1:A", "S2:A", "S3:A", "S4:A", "S5:A", "S6:A"]);
    const batch = engine.createBatchEvaluator();
    engine.swap(A.json);
    expect(which(batch(probe))).toBe("B");
    expect(which(engine.evaluate(probe))).toBe("A");
  });

  it("concurrent requests each see one table from start to end, while swaps happen", async () => {
    const engine = engineOf();
    const tables = [A.json, B.json];
    let swaps = 0;
    const swapper = (async () => {
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        expect(engine.swap(tables[(i + 1) % 2]!).ok).toBe(true);
        swaps++;
      }
    })();
    const request = async (k: number) => {
      const snap = engine.snapshot();
      const first = snap.evaluate(claim({ id: `R${k}` }));
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      const second = snap.evaluate(claim({ id: `R${k}` }));
      // Same table at both ends of the request, and it is the snapshot's generation's table.
      expect(which(second)).toBe(which(first));
      expect(which(first)).toBe(snap.generation % 2 === 0 ? "A" : "B");
    };
    await Promise.all([swapper, ...Array.from({ length: 50 }, (_, k) => request(k))]);
    expect(swaps).toBe(20);
    expect(engine.current.generation).toBe(20);
  });

  it("loads each table once: the engine holds what loadTable built", () => {
    const loaded = loadTable(B.json);
    if (!loaded.ok) throw new Error("load");
    const engine = engineOf();
    const r = engine.swap(loaded.table);
    expect(r.ok && r.current.table).toBe(loaded.table);
    expect(computeContentHash(JSON.parse(B.json))).toBe(loaded.table.contentHash);
  });
});
