export * from './Recognizer.js';
export * from './transcriptsConfig.js';
export { createRecognizer } from './createRecognizer.js';
export { PocketsphinxRecognizer, type PocketsphinxRecognizerOptions } from './PocketsphinxRecognizer.js';
export { HttpRecognizer } from './HttpRecognizer.js';
export { UtteranceSegmenter, type Utterance, type UtteranceSegmenterOptions } from './UtteranceSegmenter.js';
export { buildWav, parseWav, type WavInfo } from './wav.js';
