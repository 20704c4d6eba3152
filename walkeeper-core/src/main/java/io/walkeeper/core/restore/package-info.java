/** Engine internals: restore. */
package io.walkeeper.core.restore;
