/**
 * Weft's web API: {@link dev.weft.core.api.Resource resources} form the URL space,
 * {@link dev.weft.core.api.Request} is one exchange, and bundles contribute resources, resource
 * types, file processors and root wrappers as OSGi services.
 */
@Export
@Version("0.3.0")
package dev.weft.core.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
