// Preloaded into a replica (node --import) to skew its clock by FAULTS_CLOCK_SHIFT_MS: Date.now()
// and `new Date()` are shifted, as on a host whose NTP is off; monotonic timers are not.
const shiftMs = Number(process.env.FAULTS_CLOCK_SHIFT_MS ?? 0);
if (shiftMs !== 0) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + shiftMs);
      else super(...args);
    }
    static now() {
      return RealDate.now() + shiftMs;
    }
  }
  globalThis.Date = ShiftedDate;
}
