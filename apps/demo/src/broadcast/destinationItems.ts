import type { RtmpBroadcastInfo, RtmpDestination } from '@roomcast/protocol';
import { h } from '../dom.js';

const STATUS_TEXT: Record<RtmpBroadcastInfo['status'], string> = {
  starting: 'Starting…',
  live: 'Live',
  retrying: 'Retrying',
  failed: 'Failed',
  stopped: 'Stopped',
};

const time = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * A destination added but not started yet. The stream key is never shown back (not even masked
 * with its length): only whether one was given.
 */
export function draftItem(draft: RtmpDestination, onRemove: () => void): HTMLLIElement {
  const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Remove ${draft.name}` }, 'Remove');
  remove.addEventListener('click', onRemove);
  return h(
    'li',
    { class: 'destination', 'data-draft': draft.name },
    h('div', { class: 'destination-head' }, h('strong', {}, draft.name), h('span', { class: 'badge', 'data-status': 'draft' }, 'Ready')),
    h('div', { class: 'destination-url' }, draft.stream_url),
    h('div', { class: 'destination-meta' }, draft.stream_key ? 'Stream key set' : 'No stream key'),
    h('div', { class: 'destination-actions' }, remove),
  );
}

/** A destination of the room's broadcast, as the server reports it: status, retries, error. */
export function broadcastItem(info: RtmpBroadcastInfo, onStop: () => void): HTMLLIElement {
  const ended = info.status === 'failed' || info.status === 'stopped';
  const stop = h('button', { type: 'button', class: ended ? 'small' : 'small danger', 'data-stop': info.name }, ended ? 'Remove' : 'Stop');
  stop.setAttribute('aria-label', `${ended ? 'Remove' : 'Stop'} ${info.name}`);
  stop.addEventListener('click', onStop);
  const meta: string[] = [];
  if (info.started_at && info.status === 'live') meta.push(`since ${time(info.started_at)}`);
  if (info.retries > 0) meta.push(`${info.retries} ${info.retries === 1 ? 'retry' : 'retries'}`);
  return h(
    'li',
    { class: 'destination', 'data-broadcast': info.name, 'data-status': info.status },
    h(
      'div',
      { class: 'destination-head' },
      h('strong', {}, info.name),
      h('span', { class: 'badge', 'data-status': info.status, 'data-testid': 'broadcast-status' }, STATUS_TEXT[info.status]),
    ),
    h('div', { class: 'destination-meta' }, meta.join(' · ')),
    info.error ? h('div', { class: 'destination-error' }, info.error) : '',
    h('div', { class: 'destination-actions' }, stop),
  );
}
