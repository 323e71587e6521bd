/**
 * Identifier validation and demo-data generation speed (src/lib/ids, src/lib/demo).
 *
 * figures:  citizen ID validations/s (isValidCitizenId, full GB 11643 rules) and parses/s
 *           over 1,000,000 generated numbers; synthetic people/s; credit code validations/s.
 * baseline: the same loop doing only the bare format regex /^\d{17}[\dX]$/ — the lower
 *           bound of any validator's cost.
 * ratio:    validation rate / baseline rate (1.0 would mean the full rules are free).
 * Each loop runs several rounds and keeps its best: these machines are shared and noisy.
 */
import { createPeopleGenerator } from '../src/lib/demo/people.ts';
import { loadNationalTable } from '../src/lib/divisions/national.ts';
import { isValidCitizenId, parseCitizenId } from '../src/lib/ids/citizen-id.ts';
import { isValidCreditCode, makeCreditCode } from '../src/lib/ids/credit-code.ts';

const IDS = 1_000_000;
const ROUNDS = 5;
const FORMAT = /^\d{17}[\dX]$/;

/** Best rate (items/s) of `rounds` passes of `check` over `items`; throws if any fails. */
function rate(items: readonly string[], check: (s: string) => boolean, rounds = ROUNDS): number {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    let ok = 0;
    for (let i = 0; i < items.length; i++) if (check(items[i]!)) ok++;
    const seconds = (performance.now() - start) / 1000;
    if (ok !== items.length) throw new Error(`only ${ok} of ${items.length} passed`);
    best = Math.max(best, items.length / seconds);
  }
  return best;
}

export default async function run(): Promise<{
  figures: Record<string, number>;
  baseline: Record<string, number>;
  ratio: number;
}> {
  const counties = loadNationalTable()
    .filter((r) => r.level === 'county')
    .map((r) => r.code);

  // People generation: 1,000,000 rows, whose ID numbers then feed the validators.
  const gen = createPeopleGenerator(20_260_101, counties);
  const ids = new Array<string>(IDS);
  const genStart = performance.now();
  for (let i = 0; i < IDS; i++) ids[i] = gen.next().citizenId;
  const peoplePerSecond = IDS / ((performance.now() - genStart) / 1000);

  // Warm both loops once so neither pays for JIT compilation in its measured rounds.
  rate(ids.slice(0, 50_000), (s) => FORMAT.test(s), 1);
  rate(ids.slice(0, 50_000), (s) => isValidCitizenId(s), 1);
  let regexRate = 0;
  let validRate = 0;
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved rounds: a burst of load on the machine hits both figures alike.
    regexRate = Math.max(
      regexRate,
      rate(ids, (s) => FORMAT.test(s), 1),
    );
    validRate = Math.max(
      validRate,
      rate(ids, (s) => isValidCitizenId(s), 1),
    );
  }
  const parseRate = rate(ids, (s) => parseCitizenId(s).ok, 2);

  const codes = Array.from({ length: 200_000 }, (_, i) =>
    makeCreditCode({
      authority: '5',
      orgType: '1',
      division: counties[i % counties.length]!,
      body8: `MJ${String(i).padStart(6, '0')}`,
    }),
  );
  const creditRate = rate(codes, (s) => isValidCreditCode(s), 3);

  return {
    figures: {
      citizen_id_validations_per_s: Math.round(validRate),
      citizen_id_parses_per_s: Math.round(parseRate),
      people_per_s: Math.round(peoplePerSecond),
      credit_code_validations_per_s: Math.round(creditRate),
    },
    baseline: { format_regex_per_s: Math.round(regexRate) },
    ratio: Math.round((validRate / regexRate) * 1000) / 1000,
  };
}
