/** Engine internals: backup. */
package io.walkeeper.core.backup;
