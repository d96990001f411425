export { runMaxThroughput, type MaxThroughputResult } from './client.js';
export { resolveOptions, MaxThroughputOptionError, type MaxThroughputOptions } from './options.js';
export { ResponseParser, type ResponseHandler } from './response-parser.js';
