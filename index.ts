import { BlueGreenService } from "./resources/blueGreenService";
import { Namespace } from "./resources/namespace";
import { loadStackConfig } from "./resources/stackConfig";
import { memoryOutputs, newSecretNameKey, readStackMemory, refuseIfRecordedMeanwhile } from "./resources/stackMemory";
import { SERVICES_OUTPUT } from "./model/status";

/**
 * The program. Asynchronous because it first reads what its own previous
 * update recorded (the namespace, the kept ConfigMap and Secret contents, the
 * Secret naming key): the number of objects to keep depends on it, and
 * resources are never created inside an apply.
 */
export = async () => {
  const memory = await readStackMemory();
  refuseIfRecordedMeanwhile(memory.recordedServices);
  const config = loadStackConfig(memory.namespace === undefined ? {} : { namespace: memory.namespace });
  const secretNameKey = memory.secretNameKey ?? newSecretNameKey();

  const namespace = new Namespace(config.namespace, { name: config.namespace, manage: config.manageNamespace });

  const deployed = config.services.map(
    (service) =>
      new BlueGreenService(service.name, {
        service,
        namespace: namespace.name,
        secretNameKey,
        ...(memory.history[service.name] === undefined ? {} : { history: memory.history[service.name] }),
      }),
  );
  const byName = <T>(pick: (service: BlueGreenService) => T) =>
    Object.fromEntries(deployed.map((service, index) => [config.services[index]!.name, pick(service)]));

  return {
    /** The status page: `pulumi stack output services`. */
    [SERVICES_OUTPUT]: byName((service) => service.status),
    ...memoryOutputs(config.namespace, byName((service) => service.history), secretNameKey),
  };
};
