/** PostgreSQL data pages: header checks, checksums and which files are made of pages. */
package io.walkeeper.core.page;
