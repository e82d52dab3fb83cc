// Arguments for fuzzing the contract, generated from the channel schemas (src/shared/schema.ts):
// valid ones inside each spec's limits, and hostile ones (wrong types, huge numbers, NaN, -0,
// nested objects, proxies, throwing getters, typed arrays of other kinds, strings with NUL).
// Generated values are plans, plain data that fast-check can print and shrink; `materialize`
// builds the real (possibly hostile) value when a call runs, so each proxy is fresh.
import fc from 'fast-check';
import { requestNames, requestSchemas, type AnySpec, argSpecs } from '../../../shared/schema';

/** HEXLOG_FUZZ_SEED replays or varies the runs; the default seed is fixed so `npm test` repeats. */
export const fuzzSeed = envInteger('HEXLOG_FUZZ_SEED', 0x68_65_78);

/** HEXLOG_FUZZ_RUNS runs the properties longer than the few seconds `npm test` gives them. */
export const fuzzRuns = (defaultRuns: number): number => envInteger('HEXLOG_FUZZ_RUNS', defaultRuns);

function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

/** Values that exist only once the fuzz target is running: open sessions, searches, offers. */
export type LiveKind = 'session' | 'search' | 'offer';
export type LiveValues = Readonly<Record<LiveKind, readonly number[]>>;

type HostileKind =
  | 'revokedProxy'
  | 'trapProxy'
  | 'throwingGetter'
  | 'function'
  | 'symbol'
  | 'cyclic'
  | 'deep'
  | 'oversizeBytes'
  | 'proxiedBytes';

export type ArgPlan =
  | { readonly plain: unknown }
  | { readonly live: LiveKind; readonly index: number }
  | { readonly record: Readonly<Record<string, ArgPlan>> }
  | { readonly list: readonly ArgPlan[] }
  | { readonly hostile: HostileKind };

/** How the argument list itself is passed. */
export type Container = 'array' | 'revokedProxy' | 'trappedArray' | 'throwingElement' | 'notArray' | 'hugeSparse';

export interface CallPlan {
  readonly name: unknown;
  readonly container: Container;
  readonly args: readonly ArgPlan[];
}

/** The target decides which hostile values can exist there: a socket carries only JSON and blobs. */
export type Target = 'dispatch' | 'wire';

const plain = (value: unknown): ArgPlan => ({ plain: value });

const interestingStrings = [
  'line',
  'a',
  'é',
  '.*',
  '(a+)+$',
  '[',
  '\\b\\w+\\b',
  'ff ?? 00',
  '0a 0d',
  'zz',
  'a\0b',
  '\ud800',
  '\u{1f431}',
  '/etc/passwd',
  '..',
  '/dev/null',
];

const typedArrayKinds = [
  'Int8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'DataView',
  'ArrayBuffer',
] as const;

function otherTypedArray(kind: (typeof typedArrayKinds)[number], length: number): unknown {
  const buffer = new ArrayBuffer(length * 8);
  switch (kind) {
    case 'Int8Array':
      return new Int8Array(buffer, 0, length);
    case 'Uint8ClampedArray':
      return new Uint8ClampedArray(buffer, 0, length);
    case 'Int16Array':
      return new Int16Array(buffer, 0, length);
    case 'Uint16Array':
      return new Uint16Array(buffer, 0, length);
    case 'Int32Array':
      return new Int32Array(buffer, 0, length);
    case 'Uint32Array':
      return new Uint32Array(buffer, 0, length);
    case 'Float32Array':
      return new Float32Array(buffer, 0, length);
    case 'Float64Array':
      return new Float64Array(buffer, 0, length);
    case 'BigInt64Array':
      return new BigInt64Array(buffer, 0, length);
    case 'BigUint64Array':
      return new BigUint64Array(buffer, 0, length);
    case 'DataView':
      return new DataView(buffer);
    case 'ArrayBuffer':
      return buffer;
  }
}

function integerIn(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(min, max, Math.min(min + 1, max)),
    // Near the start, where the test files' offsets, lines and matches are.
    { arbitrary: fc.integer({ min, max: Math.min(max, min + 100) }), weight: 3 },
    fc.integer({ min, max: Math.min(max, min + 70_000) }),
    fc.bigInt(BigInt(min), BigInt(max)).map(Number),
  );
}

const liveKindOf = (spec: AnySpec): LiveKind | undefined =>
  spec === argSpecs.session
    ? 'session'
    : spec === argSpecs.searchId
      ? 'search'
      : spec === argSpecs.offerId
        ? 'offer'
        : undefined;

/** A value the spec accepts (or, for live kinds, usually a live one). */
export function validArg(spec: AnySpec): fc.Arbitrary<ArgPlan> {
  const live = liveKindOf(spec);
  switch (spec.kind) {
    case 'integer': {
      const numbers = integerIn(spec.min, spec.max).map(plain);
      if (live === undefined) return numbers;
      return fc.oneof({ arbitrary: fc.nat(7).map((index) => ({ live, index })), weight: 4 }, numbers);
    }
    case 'boolean':
      return fc.boolean().map(plain);
    case 'choice':
      return fc.constantFrom(...spec.values).map(plain);
    case 'string': {
      const { minLength, maxLength, allowNul } = spec;
      const fits = (value: string): boolean =>
        value.length >= minLength && value.length <= maxLength && (allowNul || !value.includes('\0'));
      return fc
        .oneof(
          fc.string({ minLength, maxLength: Math.min(maxLength, 24), unit: 'binary' }),
          fc.constantFrom(...interestingStrings),
          fc.constant('x'.repeat(maxLength)),
        )
        .map((value) => (allowNul ? value : value.replaceAll('\0', 'a')))
        .filter(fits)
        .map(plain);
    }
    case 'bytes':
      return fc.uint8Array({ maxLength: 64 }).map(plain);
    case 'record': {
      const fields: Record<string, fc.Arbitrary<ArgPlan>> = {};
      for (const [key, field] of Object.entries(spec.fields)) fields[key] = validArg(field);
      return fc.record(fields).map((record) => ({ record }));
    }
    case 'either':
      return fc.oneof(...spec.options.map(validArg));
    case 'list':
      return fc.array(validArg(spec.item), { maxLength: Math.min(spec.maxLength, 4) }).map((list) => ({ list }));
  }
}

const hostileNumbers = [
  -1,
  -0,
  0.5,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53,
  2 ** 60,
  -(2 ** 53),
  1e308,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER + 2,
];
const hostilePrimitives = [undefined, null, true, false, '', '0', '1', 'all', 'NaN', 'a\0b', '\ud800'];

function hostileFor(spec: AnySpec, target: Target): fc.Arbitrary<ArgPlan>[] {
  switch (spec.kind) {
    case 'integer':
      return [fc.constantFrom(spec.min - 1, spec.max + 1, spec.max * 2, spec.min + 0.5, String(spec.min)).map(plain)];
    case 'string':
      return [fc.constantFrom('y'.repeat(spec.maxLength + 1), spec.allowNul ? 'z' : 'nul\0inside').map(plain)];
    case 'choice':
      return [fc.constantFrom(...spec.values.map((value) => `${value.toUpperCase()} `)).map(plain)];
    case 'bytes':
      // Neither a Proxy nor a 16 MiB buffer is worth framing; the socket gets other typed arrays.
      return target === 'dispatch'
        ? [fc.constantFrom<ArgPlan>({ hostile: 'oversizeBytes' }, { hostile: 'proxiedBytes' })]
        : [];
    case 'record': {
      const keys = Object.keys(spec.fields);
      const oneFieldBad = fc.constantFrom(...keys).chain((bad) => {
        const fields: Record<string, fc.Arbitrary<ArgPlan>> = {};
        for (const [key, field] of Object.entries(spec.fields)) {
          fields[key] = key === bad ? hostileArg(field, target) : validArg(field);
        }
        return fc.record(fields).map((record): ArgPlan => ({ record }));
      });
      return [oneFieldBad];
    }
    case 'list':
      return [
        fc
          .tuple(fc.array(validArg(spec.item), { maxLength: 2 }), hostileArg(spec.item, target))
          .map(([good, bad]): ArgPlan => ({ list: [...good, bad] })),
        fc.constant(plain(Array.from({ length: spec.maxLength + 1 }, () => ({})))),
      ];
    case 'either':
    case 'boolean':
      return [];
  }
}

/** A value the spec refuses (or, rarely, one it happens to accept: the property holds either way). */
export function hostileArg(spec: AnySpec, target: Target): fc.Arbitrary<ArgPlan> {
  // JSON cannot carry a bigint: only dispatch sees bigints and BigInt64Arrays.
  const onDispatch = target === 'dispatch';
  const kinds = typedArrayKinds.filter((kind) => onDispatch || !kind.startsWith('Big'));
  const onWireToo: fc.Arbitrary<ArgPlan>[] = [
    fc.constantFrom(...hostileNumbers, ...hostilePrimitives).map(plain),
    fc.double().map(plain),
    fc.string({ maxLength: 8, unit: 'binary' }).map(plain),
    fc
      .anything({
        maxDepth: 3,
        maxKeys: 4,
        withTypedArray: onDispatch,
        withBigInt: onDispatch,
        withSparseArray: true,
        withNullPrototype: true,
      })
      .map(plain),
    fc.tuple(fc.constantFrom(...kinds), fc.nat(8)).map(([kind, length]) => plain(otherTypedArray(kind, length))),
    ...hostileFor(spec, target),
  ];
  if (target === 'wire') return fc.oneof(...onWireToo);
  return fc.oneof(
    ...onWireToo,
    fc.bigInt().map(plain),
    fc.constantFrom<ArgPlan>(
      { hostile: 'revokedProxy' },
      { hostile: 'trapProxy' },
      { hostile: 'throwingGetter' },
      { hostile: 'function' },
      { hostile: 'symbol' },
      { hostile: 'cyclic' },
      { hostile: 'deep' },
    ),
  );
}

/** Arguments for one channel: valid, one hostile, the wrong count, or a hostile container. */
function argsFor(specs: readonly AnySpec[], target: Target): fc.Arbitrary<{ container: Container; args: ArgPlan[] }> {
  const valid = fc.tuple(...specs.map(validArg));
  type Planned = { container: Container; args: ArgPlan[] };
  const inArray = (args: fc.Arbitrary<ArgPlan[]>): fc.Arbitrary<Planned> =>
    args.map((list) => ({ container: 'array', args: list }));
  const variants: { arbitrary: fc.Arbitrary<Planned>; weight: number }[] = [
    { arbitrary: inArray(valid), weight: 8 },
    { arbitrary: inArray(valid.map((list) => list.slice(0, -1))), weight: 1 },
    {
      arbitrary: inArray(fc.tuple(valid, validArg(argSpecs.offset)).map(([list, extra]) => [...list, extra])),
      weight: 1,
    },
  ];
  if (specs.length > 0) {
    const oneHostile = fc
      .tuple(fc.nat(specs.length - 1), valid)
      .chain(([bad, list]) =>
        hostileArg(specs[bad]!, target).map((hostile) => list.map((plan, index) => (index === bad ? hostile : plan))),
      );
    variants.push({ arbitrary: inArray(oneHostile), weight: 5 });
  }
  if (target === 'dispatch') {
    const containers = fc.constantFrom<Container>(
      'revokedProxy',
      'trappedArray',
      'throwingElement',
      'notArray',
      'hugeSparse',
    );
    variants.push({
      arbitrary: fc.tuple(containers, valid).map(([container, args]) => ({ container, args })),
      weight: 2,
    });
  }
  return fc.oneof(...variants);
}

const strangeNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'hostInfo ', 'HOSTINFO', ''];

/** One call to any channel, or to a name that is none. */
export function callPlan(target: Target): fc.Arbitrary<CallPlan> {
  const known = fc
    .constantFrom(...requestNames)
    .chain((name) => argsFor(requestSchemas[name], target).map(({ container, args }) => ({ name, container, args })));
  const unknownName = fc
    .tuple(
      fc.oneof(fc.constantFrom(...strangeNames), fc.string({ maxLength: 12 }), fc.anything({ maxDepth: 1 })),
      fc.array(validArg(argSpecs.session), { maxLength: 3 }),
    )
    .map(([name, args]): CallPlan => ({ name, container: 'array', args }));
  return fc.oneof({ arbitrary: known, weight: 20 }, { arbitrary: unknownName, weight: 1 });
}

let oversize: Uint8Array | undefined;

function throwing(): never {
  throw new Error('fuzz: hostile getter');
}

/** Builds the value a plan describes, with live values filled in. */
export function materialize(plan: ArgPlan, live: LiveValues): unknown {
  if ('plain' in plan) return plan.plain;
  if ('live' in plan) {
    const values = live[plan.live];
    return values.length === 0 ? plan.index : values[plan.index % values.length];
  }
  if ('list' in plan) return plan.list.map((item) => materialize(item, live));
  if ('record' in plan) {
    const record: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(plan.record)) record[key] = materialize(field, live);
    return record;
  }
  switch (plan.hostile) {
    case 'revokedProxy': {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }
    case 'trapProxy':
      return new Proxy(
        {},
        {
          get: throwing,
          has: throwing,
          ownKeys: throwing,
          getPrototypeOf: throwing,
          getOwnPropertyDescriptor: throwing,
        },
      );
    case 'throwingGetter':
      return Object.defineProperties(
        {},
        Object.fromEntries(
          ['mode', 'pattern', 'matchCase', 'wholeWord', 'length', '0'].map((key) => [key, { get: throwing }]),
        ),
      );
    case 'function':
      return () => 0;
    case 'symbol':
      return Symbol('fuzz');
    case 'cyclic': {
      const cyclic: Record<string, unknown> = { mode: 'text' };
      cyclic['self'] = cyclic;
      return cyclic;
    }
    case 'deep': {
      let deep: unknown = [];
      for (let i = 0; i < 10_000; i++) deep = [deep];
      return deep;
    }
    case 'oversizeBytes':
      // One shared allocation just past the largest edit: enough to be refused, cheap to repeat.
      oversize ??= new Uint8Array(argSpecs.editedBytes.kind === 'bytes' ? argSpecs.editedBytes.maxLength + 1 : 1);
      return oversize;
    case 'proxiedBytes':
      return new Proxy(new Uint8Array(4), {});
  }
}

/** The argument list of a call as the plan passes it. */
export function materializeArgs(plan: CallPlan, live: LiveValues): unknown {
  const args = plan.args.map((arg) => materialize(arg, live));
  switch (plan.container) {
    case 'array':
      return args;
    case 'revokedProxy': {
      const { proxy, revoke } = Proxy.revocable(args, {});
      revoke();
      return proxy;
    }
    case 'trappedArray':
      return new Proxy(args, { get: (target, key) => (key === 'length' ? target.length : throwing()) });
    case 'throwingElement':
      return Object.defineProperty(args, Math.max(0, args.length - 1), { get: throwing, enumerable: true });
    case 'notArray':
      return Object.assign({ length: args.length }, args);
    case 'hugeSparse': {
      const sparse: unknown[] = [];
      sparse.length = 2 ** 32 - 1;
      return sparse;
    }
  }
}

/** Fails instead of waiting forever: the promise must settle within `ms`. */
export async function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
