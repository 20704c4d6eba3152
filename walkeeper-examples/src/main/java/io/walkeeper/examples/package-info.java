/**
 * Runnable examples that the build compiles and the tests run: embedding walkeeper in an
 * application ({@link io.walkeeper.examples.EmbeddingExample}).
 */
package io.walkeeper.examples;
