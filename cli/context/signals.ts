/**
 * Ctrl-C and SIGTERM while a command runs. A terminal sends Ctrl-C to the
 * whole foreground process group, so `pulumi` already has its SIGINT and
 * cancels gracefully; forwarding another would make it terminate instead.
 * A SIGTERM (a cancelled CI job) reaches only this process: it is forwarded
 * to `pulumi` as one SIGINT, the same graceful cancel. Either way the command
 * keeps running until `pulumi` has stopped, then says what was left.
 */
export class Interrupts {
  private readonly any = new AbortController();
  private readonly forward = new AbortController();
  private received: NodeJS.Signals | undefined;

  /** Aborted by the first SIGINT or SIGTERM: commands stop at the next consistent point. */
  get signal(): AbortSignal {
    return this.any.signal;
  }

  /** Aborted when `pulumi` did not get the signal itself: pass it to every preview and update. */
  get cancelPulumi(): AbortSignal {
    return this.forward.signal;
  }

  get signalReceived(): NodeJS.Signals | undefined {
    return this.received;
  }

  /** 130 after SIGINT, 143 after SIGTERM, as shells report a job ended by them. */
  get exitCode(): number | undefined {
    if (this.received === undefined) return undefined;
    return this.received === "SIGINT" ? 130 : 143;
  }

  /** Handles the signals until the returned function is called. */
  listen(onFirst: (signal: NodeJS.Signals) => void): () => void {
    const handle = (signal: NodeJS.Signals) => {
      if (this.received !== undefined) return;
      this.received = signal;
      if (signal === "SIGTERM") this.forward.abort();
      this.any.abort();
      onFirst(signal);
    };
    process.on("SIGINT", handle);
    process.on("SIGTERM", handle);
    return () => {
      process.off("SIGINT", handle);
      process.off("SIGTERM", handle);
    };
  }
}
