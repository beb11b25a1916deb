/** Looks an element up by id; a missing one (or one of the wrong type) is a bug in the markup. */
export function byId<T extends HTMLElement>(id: string, type: new () => T, root: ParentNode = document): T {
  const element = root.querySelector(`#${CSS.escape(id)}`);
  if (!(element instanceof type)) throw new Error(`the page lacks #${id} (${type.name})`);
  return element;
}

/**
 * Creates an element with attributes and children. Text children become text nodes, never HTML:
 * names and errors come from other people and servers.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children);
  return element;
}

/** Sets or removes a boolean data attribute (`data-x="true"`), which the CSS and the tests read. */
export function setFlag(element: HTMLElement, name: string, on: boolean): void {
  if (on) element.dataset[name] = 'true';
  else delete element.dataset[name];
}

/** Initials for an avatar: "Ann Lee" → "AL". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}
