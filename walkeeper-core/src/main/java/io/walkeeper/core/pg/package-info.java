/** Engine internals: pg. */
package io.walkeeper.core.pg;
