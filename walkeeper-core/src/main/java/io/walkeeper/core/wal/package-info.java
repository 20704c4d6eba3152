/** Engine internals: wal. */
package io.walkeeper.core.wal;
