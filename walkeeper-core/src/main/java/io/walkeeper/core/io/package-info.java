/** Engine internals: io. */
package io.walkeeper.core.io;
