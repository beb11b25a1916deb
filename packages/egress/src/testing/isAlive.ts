/** Whether a process exists (signal 0 checks without sending anything). For tests. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
