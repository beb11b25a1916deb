/** What the page was opened with: `/?room=<room>&token=<token>&autojoin=1`. */
export interface LaunchParams {
  room: string;
  token: string;
  /** Join at once and publish camera and microphone (for links and tests: no clicks). */
  autojoin: boolean;
}

export function readLaunchParams(search: string): LaunchParams {
  const params = new URLSearchParams(search);
  const flag = (params.get('autojoin') ?? '').toLowerCase();
  return {
    room: params.get('room') ?? '',
    token: params.get('token') ?? '',
    autojoin: flag === '1' || flag === 'true' || flag === 'yes',
  };
}

/** The same page with these parameters, so a joined room can be reloaded or shared. */
export function launchSearch(params: LaunchParams): string {
  const search = new URLSearchParams();
  if (params.room) search.set('room', params.room);
  if (params.token) search.set('token', params.token);
  if (params.autojoin) search.set('autojoin', '1');
  return `?${search.toString()}`;
}
