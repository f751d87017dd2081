// Preload that makes the keytar native module impossible to load, as on a
// machine where `npm ci` could not build it.
import Module from 'node:module';

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'keytar') {
    const error = new Error("Cannot find module 'keytar'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
