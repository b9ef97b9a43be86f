package dev.weft.proxy;

import dev.weft.core.api.Resource;
import dev.weft.core.api.ResourceType;
import org.osgi.service.component.annotations.Component;

/** {@code --mount /vhost=vhost-monster}. */
@Component(property = ResourceType.NAME + "=vhost-monster")
public final class VHostMonsterType implements ResourceType {
    @Override
    public Resource create(String argument) {
        return new VHostMonsterResource();
    }
}
