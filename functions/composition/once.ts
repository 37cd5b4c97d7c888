/** Builds a value on first use and keeps it for the life of the process (a warm Lambda reuses it). */
export const once = <T>(build: () => T): (() => T) => {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
};

/**
 * As `once`, for a value that takes a round trip: a failed attempt is forgotten, so the next invocation
 * tries again instead of failing for the container's lifetime.
 */
export const onceResolved = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () => {
    if (!loading) {
      const attempt = load();
      loading = attempt;
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
};
