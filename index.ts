import { BlueGreenService } from "./resources/blueGreenService";
import { Namespace } from "./resources/namespace";
import { loadStackConfig } from "./resources/stackConfig";

const config = loadStackConfig();

const namespace = new Namespace(config.namespace, { name: config.namespace, manage: config.manageNamespace });

const deployed = config.services.map(
  (service) => new BlueGreenService(service.name, { service, namespace: namespace.name }),
);

/** The status page: `pulumi stack output services`. */
export const services = Object.fromEntries(deployed.map((service, index) => [config.services[index]!.name, service.status]));
