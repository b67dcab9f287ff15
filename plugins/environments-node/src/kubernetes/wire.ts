/**
 * A Kubernetes object as it arrives over the wire (JSON from the API server, a watch event, the
 * cache): the client library's type with its `Date` fields as the strings they really are. The
 * library's own types describe objects its API clients have deserialized; raw JSON has no Dates.
 *
 * @public
 */
export type Wire<T> = T extends Date
  ? string
  : T extends Array<infer U>
  ? Array<Wire<U>>
  : T extends object
  ? { [K in keyof T]: Wire<T[K]> }
  : T;
