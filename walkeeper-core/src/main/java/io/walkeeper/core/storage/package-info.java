/** What every storage back end gets from the engine: retries with backoff, deadlines, rate and concurrency limits. */
package io.walkeeper.core.storage;
