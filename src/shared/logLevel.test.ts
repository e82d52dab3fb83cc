import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVEL_PLAIN_WORD_CHARS, LEVEL_SCAN_CHARS, levelOf, type LogLevel } from './logLevel';

type Case = readonly [line: string, level: LogLevel | null];

const check = (cases: readonly Case[]) => {
  for (const [line, level] of cases) expect({ line, level: levelOf(line) }).toEqual({ line, level });
};

describe('levelOf', () => {
  it('bare upper-case words after a timestamp', () => {
    check([
      ['2023-11-14 22:13:20 ERROR db: connection refused', 'error'],
      ['2023-11-14 22:13:20 WARN disk 91% full', 'warn'],
      ['2023-11-14 22:13:20 WARNING disk 91% full', 'warn'],
      ['2023-11-14 22:13:20 INFO started', 'info'],
      ['2023-11-14 22:13:20 NOTICE started', 'info'],
      ['2023-11-14 22:13:20 DEBUG x=1', 'debug'],
      ['2023-11-14 22:13:20 TRACE x=1', 'debug'],
      ['2023-11-14 22:13:20 VERBOSE x=1', 'debug'],
      ['2023-11-14 22:13:20 ERR cannot bind', 'error'],
      ['SEVERE: java.lang.NullPointerException', 'error'],
      ['ERROR:root:python default format', 'error'],
      ['WARNING:root:python default format', 'warn'],
      ['12:00:01.123 [main] INFO  com.example.App - up', 'info'],
    ]);
  });

  it('every fatal spelling', () => {
    for (const word of ['FATAL', 'CRITICAL', 'CRIT', 'EMERG', 'EMERGENCY', 'ALERT', 'PANIC']) {
      check([[`2023-11-14 22:13:20 ${word} boom`, 'fatal']]);
    }
  });

  it('brackets and angle brackets, in any case', () => {
    check([
      ['2023-11-14 22:13:20 [ERROR] db', 'error'],
      ['2023-11-14 22:13:20 [error] 1234#0: *1 open() failed', 'error'],
      ['2023/11/14 22:13:20 [crit] 1#1: out of memory', 'fatal'],
      ['2023/11/14 22:13:20 [emerg] 1#1: bind() failed', 'fatal'],
      ['2023/11/14 22:13:20 [notice] 1#1: signal process started', 'info'],
      ['[Tue Nov 14 22:13:20 2023] [core:warn] [pid 12] AH00098', 'warn'],
      ['[INFO ] padded', 'info'],
      ['[ Warning ] padded', 'warn'],
      ['[12:00:01 INF] Serilog console template', 'info'],
      ['[2023-11-14 22:13:20,123 WARN ] bracketed with a timestamp', 'warn'],
      ['[pid 12] [main thread] no level', null],
      ['[INF] Serilog short level', 'info'],
      ['[WRN] Serilog', 'warn'],
      ['[ERR] Serilog', 'error'],
      ['[FTL] Serilog', 'fatal'],
      ['[DBG] Serilog', 'debug'],
      ['[VRB] Serilog', 'debug'],
      ['<error> in angle brackets', 'error'],
      ['<Warning> in angle brackets', 'warn'],
    ]);
  });

  it('key=value and logfmt', () => {
    check([
      ['ts=2023-11-14T22:13:20Z level=error msg="db down"', 'error'],
      ['ts=2023-11-14T22:13:20Z level=ERROR msg="db down"', 'error'],
      ['ts=2023-11-14T22:13:20Z level="warn" msg=x', 'warn'],
      ["ts=2023-11-14T22:13:20Z level='info' msg=x", 'info'],
      ['t=2023-11-14T22:13:20Z lvl=eror msg="log15 spelling"', 'error'],
      ['t=2023-11-14T22:13:20Z lvl=dbug msg="log15 spelling"', 'debug'],
      ['t=2023-11-14T22:13:20Z lvl=crit msg=x', 'fatal'],
      ['severity=warning component=x', 'warn'],
      ['LEVEL=Information component=x', 'info'],
      ['loglevel=debug component=x', 'debug'],
      ['log.level=error component=x', 'error'],
      ['msg="x" level=information', 'info'],
    ]);
  });

  it('JSON with string levels, any key case and spacing', () => {
    check([
      ['{"time":"2023-11-14T22:13:20Z","level":"error","msg":"db"}', 'error'],
      ['{"time":"2023-11-14T22:13:20Z","level": "ERROR","msg":"db"}', 'error'],
      ['{"severity":"warning","message":"x"}', 'warn'],
      ['{"lvl":"debug","message":"x"}', 'debug'],
      ['{"Level":"Information","MessageTemplate":"x"}', 'info'],
      ['{"@t":"2023-11-14T22:13:20Z","@l":"Warning","@mt":"x"}', 'warn'],
      ['{"log.level":"error","message":"x"}', 'error'],
      ['{"levelname": "CRITICAL", "name": "root"}', 'fatal'],
      ['{"severityText":"ERROR","body":"x"}', 'error'],
      ['{"level" : "warn"}', 'warn'],
      ["{'level': 'error', 'msg': 'python repr'}", 'error'],
    ]);
  });

  it('JSON numeric levels as bunyan and pino write them', () => {
    check([
      ['{"level":60,"time":1,"msg":"x"}', 'fatal'],
      ['{"level":50,"time":1,"msg":"x"}', 'error'],
      ['{"level":40,"time":1,"msg":"x"}', 'warn'],
      ['{"level":30,"time":1,"msg":"x"}', 'info'],
      ['{"level":20,"time":1,"msg":"x"}', 'debug'],
      ['{"level":10,"time":1,"msg":"x"}', 'debug'],
      ['{"level": 35,"msg":"custom pino level between info and warn"}', 'info'],
      ['{"level":3,"msg":"not a bunyan level"}', null],
      ['{"level":3,"msg":"not a bunyan level, then ERROR"}', 'error'],
      ['{"level":30.5,"msg":"a fraction is not a level"}', null],
    ]);
  });

  it('glog and klog letter prefixes', () => {
    check([
      ['E1114 22:13:20.123456   12345 server.go:42] failed', 'error'],
      ['W0102 15:04:05.000000       1 reflector.go:1] slow', 'warn'],
      ['I0102 15:04:05.000000       1 main.go:1] up', 'info'],
      ['F0102 15:04:05.000000       1 main.go:1] dead', 'fatal'],
      ['E1399 22:13:20.123 not a month and day', null],
      ['E1114 is a part number, not a timestamp', null],
      [' E1114 22:13:20.123 not at line start', null],
    ]);
  });

  it('Android logcat brief, time and threadtime formats', () => {
    check([
      ['E/ActivityManager( 1234): ANR in com.example', 'error'],
      ['W/System.err: at com.example', 'warn'],
      ['D/dalvikvm(  123): GC freed', 'debug'],
      ['V/Tag: verbose', 'debug'],
      ['A/libc: Fatal signal 11', 'fatal'],
      ['11-14 22:13:20.123 I/ActivityManager( 1234): Start proc', 'info'],
      ['11-14 22:13:20.123  1234  5678 E AndroidRuntime: FATAL EXCEPTION: main', 'error'],
      ['2023-11-14 22:13:20.123  1234  5678 W Tag     : slow', 'warn'],
      ['11-14 22:13:20.123  1234  5678 F libc    : Fatal signal 6', 'fatal'],
      ['A/B testing started for cohort 2', null],
    ]);
  });

  it('syslog PRI at line start: severity is PRI mod 8', () => {
    check([
      ['<0>kernel: emergency', 'fatal'],
      ['<1>alert', 'fatal'],
      ['<2>crit', 'fatal'],
      ['<3>[    1.234] usb 1-1: device not accepting address', 'error'],
      ['<4>warning', 'warn'],
      ['<5>notice', 'info'],
      ['<6>[    0.000000] Linux version 6.1', 'info'],
      ['<7>debug', 'debug'],
      ['<134>1 2023-11-14T22:13:20Z host app - - - local0.info', 'info'],
      ['<11>Nov 14 22:13:20 host app: user.err', 'error'],
      ['<191>local7.debug', 'debug'],
      ['<192>not a PRI', null],
      ['x <3> not at line start', null],
    ]);
  });

  it('the first level in the line wins, not the most severe', () => {
    check([
      ['2023-11-14 INFO retrying after ERROR from upstream', 'info'],
      ['2023-11-14 DEBUG level=error', 'debug'],
      ['level=warn [ERROR] FATAL', 'warn'],
      ['{"level":"info","msg":"FATAL in payload"}', 'info'],
      ['<13>Nov 14 host app: ERROR but the PRI says notice', 'info'],
      ['I0102 15:04:05.000000 1 main.go:1] ERROR in message', 'info'],
    ]);
  });

  it('ignores words that are not levels', () => {
    check([
      ['2023-11-14 22:13:20 INFORMATION only', null],
      ['ERRORS_TOTAL=3 WARNINGS_TOTAL=0', null],
      ['ERROR_COUNT=0', null],
      ['ERROR=3 WARN=0 metrics', null],
      ['the TERROR of DEBUGGERS', null],
      ['started debugger on port 9229', null],
      ['an error occurred while reading the warning list', null],
      ['a fatal flaw, an info desk and a debug build', null],
      ['X-DEBUG-TOKEN: abc', null],
      ['LogLevel.ERROR is the enum', null],
      ['level=high priority=urgent', null],
      ['[main] [worker-1] nothing here', null],
      ['level=debugger', null],
      ['[errors]', null],
      ['', null],
    ]);
  });

  it('an INFO line mentioning an error in prose stays info', () => {
    check([
      ['2023-11-14 22:13:20 INFO an error occurred, retrying', 'info'],
      ['2023-11-14 22:13:20 [info] warning: fatal errors are logged elsewhere', 'info'],
    ]);
  });

  it('looks at upper-case words in the first 200 characters and structured forms in the first 512', () => {
    const pad = (length: number) => 'x '.repeat(length / 2);
    expect(levelOf(`${pad(LEVEL_PLAIN_WORD_CHARS - 2)}ERROR`)).toBe('error');
    expect(levelOf(`${pad(LEVEL_PLAIN_WORD_CHARS)}ERROR`)).toBeNull();
    expect(levelOf(`${pad(LEVEL_PLAIN_WORD_CHARS)}ERROR level=warn`)).toBe('warn');
    expect(levelOf(`${pad(LEVEL_SCAN_CHARS - 12)}level=warn`)).toBe('warn');
    expect(levelOf(`${pad(LEVEL_SCAN_CHARS)}level=warn`)).toBeNull();
    expect(levelOf(`INFO ${'y'.repeat(1_000_000)}`)).toBe('info');
  });

  it('gives the same answer when called repeatedly (the shared regex is reset)', () => {
    const lines = ['x [warn] y', 'no level', 'ERROR', 'x [warn] y'];
    const first = lines.map(levelOf);
    expect(lines.map(levelOf)).toEqual(first);
    expect(first).toEqual(['warn', null, 'error', 'warn']);
  });

  describe('seeded properties', () => {
    // Filler is lower-case prose, level words included, and punctuation that cannot form a token.
    const filler = fc
      .array(
        fc.constantFrom('the', 'error', 'warning', 'info', 'debug', 'fatal', 'trace', 'x1', '42', 'a.b', 'c:d', '-'),
        { maxLength: 12 },
      )
      .map((words) => words.join(' '));
    const tokens: readonly (readonly [string, LogLevel])[] = [
      ['FATAL', 'fatal'],
      ['CRITICAL', 'fatal'],
      ['PANIC', 'fatal'],
      ['ERROR', 'error'],
      ['ERR', 'error'],
      ['WARN', 'warn'],
      ['WARNING', 'warn'],
      ['INFO', 'info'],
      ['NOTICE', 'info'],
      ['DEBUG', 'debug'],
      ['TRACE', 'debug'],
      ['[error]', 'error'],
      ['[Warning]', 'warn'],
      ['<info>', 'info'],
      ['level=fatal', 'fatal'],
      ['lvl="warn"', 'warn'],
      ['severity=Error', 'error'],
      ['"level":"debug"', 'debug'],
      ['"level": 50', 'error'],
      ['"severity": "WARNING"', 'warn'],
    ];
    const token = fc.constantFrom(...tokens);

    it('filler alone has no level', () => {
      fc.assert(
        fc.property(filler, (line) => levelOf(line) === null),
        { seed: 20231114, numRuns: 300 },
      );
    });

    it('a recognised token inserted into filler gives its level', () => {
      fc.assert(
        fc.property(filler, token, filler, (before, [text, level], after) => {
          expect(levelOf(`${before} ${text} ${after}`)).toBe(level);
        }),
        { seed: 20231114, numRuns: 500 },
      );
    });

    it('of two tokens, the first one gives the level', () => {
      fc.assert(
        fc.property(filler, token, filler, token, (before, [first, level], between, [second]) => {
          expect(levelOf(`${before} ${first} ${between} ${second}`)).toBe(level);
        }),
        { seed: 4242, numRuns: 500 },
      );
    });
  });
});
