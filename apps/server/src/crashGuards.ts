import { Counter } from 'prom-client';

/** `roomcast_unhandled_rejections_total`: a bug to find, counted so an alert can fire on it. */
export const unhandledRejections = new Counter({
  name: 'roomcast_unhandled_rejections_total',
  help: 'Promise rejections nothing handled (logged; the server went on)',
  registers: [],
});

interface Logger {
  error(object: object, message: string): void;
}

/**
 * Node's default for a rejection nobody handles is to exit, taking every room with it. Each one is a
 * bug (every promise should have an owner), but one participant's bad luck must not end everyone's
 * call: log it with its stack, count it in /metrics, and go on. Uncaught exceptions keep Node's
 * default (exit): after one the process state is unknown, and a supervisor restarts it.
 */
export function installCrashGuards(log: Logger, target: Pick<NodeJS.Process, 'on'> = process): void {
  target.on('unhandledRejection', (reason: unknown) => {
    unhandledRejections.inc();
    log.error({ err: reason }, 'unhandled promise rejection (the server goes on)');
  });
}
