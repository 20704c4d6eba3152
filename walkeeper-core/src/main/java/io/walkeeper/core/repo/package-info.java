/**
 * The repository: object layout ({@link io.walkeeper.core.repo.RepositoryLayout}), manifests and
 * their signatures, leases, the descriptor, timeline history files, encoding of objects by codec
 * and cipher ({@link io.walkeeper.core.repo.ObjectFormat}) and discovery of providers.
 */
package io.walkeeper.core.repo;
