/** Engine internals: repo. */
package io.walkeeper.core.repo;
