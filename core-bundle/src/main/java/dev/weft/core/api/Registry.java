package dev.weft.core.api;

/**
 * Components shared across resources and bundles, by type and optionally by name (Twisted's
 * {@code registry.getComponent}/{@code setComponent}). The core registers one as a service. A
 * lookup with no component set falls back to an OSGi service of that type, so the registry also
 * reaches what other bundles publish.
 */
public interface Registry {
    <T> T getComponent(Class<T> type);

    <T> T getComponent(Class<T> type, String name);

    <T> void setComponent(Class<T> type, T component);

    <T> void setComponent(Class<T> type, String name, T component);

    void unsetComponent(Class<?> type);

    void unsetComponent(Class<?> type, String name);
}
