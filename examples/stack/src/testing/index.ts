export { type ExampleProcess, killHard, startExampleProcess, stopGracefully } from './example-process.js';
export {
  getJson,
  getJsonAfter,
  headPosition,
  type JsonResponse,
  positionOfEntityTag,
  postCommand,
} from './http-calls.js';
