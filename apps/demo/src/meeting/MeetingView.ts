import { byId } from '../dom.js';
import type { ControlElements } from './controls.js';

/** The meeting's elements, from a fresh copy of `<template id="meeting-template">`. */
export interface MeetingView extends ControlElements {
  root: HTMLElement;
  stage: HTMLElement;
  stageEmpty: HTMLElement;
  sidebar: HTMLElement;
  peoplePanel: HTMLElement;
  peopleList: HTMLUListElement;
  peopleCount: HTMLElement;
  togglePeople: HTMLButtonElement;
  controlRoom: HTMLElement;
  toggleControlRoom: HTMLButtonElement;
  mediaAppsPanel: HTMLElement;
  toggleMediaApps: HTMLButtonElement;
  enableAudio: HTMLButtonElement;
}

/**
 * Each meeting gets a new copy of the markup, dropped when it ends: no listener or tile of an
 * earlier meeting can linger into the next one.
 */
export function createMeetingView(host: HTMLElement): MeetingView {
  const template = byId('meeting-template', HTMLTemplateElement);
  host.replaceChildren(template.content.cloneNode(true));
  return {
    root: byId('meeting', HTMLElement, host),
    stage: byId('stage', HTMLElement, host),
    stageEmpty: byId('stage-empty', HTMLElement, host),
    sidebar: byId('sidebar', HTMLElement, host),
    peoplePanel: byId('people-panel', HTMLElement, host),
    peopleList: byId('people-list', HTMLUListElement, host),
    peopleCount: byId('people-count', HTMLElement, host),
    togglePeople: byId('toggle-people', HTMLButtonElement, host),
    controlRoom: byId('control-room', HTMLElement, host),
    toggleControlRoom: byId('toggle-control-room', HTMLButtonElement, host),
    mediaAppsPanel: byId('media-apps-panel', HTMLElement, host),
    toggleMediaApps: byId('toggle-media-apps', HTMLButtonElement, host),
    toggleMicrophone: byId('toggle-microphone', HTMLButtonElement, host),
    toggleCamera: byId('toggle-camera', HTMLButtonElement, host),
    toggleScreen: byId('toggle-screen', HTMLButtonElement, host),
    toggleView: byId('toggle-view', HTMLButtonElement, host),
    enableAudio: byId('enable-audio', HTMLButtonElement, host),
    leave: byId('leave', HTMLButtonElement, host),
  };
}
