package io.vstack.storage.cloud.internal;

/** One call to the S3 client. */
@FunctionalInterface
interface S3Call<T> {
    T call();
}
